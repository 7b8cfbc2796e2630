import { once } from 'node:events';
import { JobNotFoundError } from '../errors/job-not-found-error.js';
import { JobStateError } from '../errors/job-state-error.js';
import type { JobEvent, JobFilter, JobQueue, JobRecord, JobWorker, NewJob } from '../job-queue.js';
import { followEvents } from '../shared/follow-events.js';
import { createJobId } from '../shared/job-id.js';
import { isResumable, resumedRecord } from '../shared/job-transitions.js';
import { abortRunning } from '../shared/run-handler.js';
import { validateNewJob } from '../shared/validate-new-job.js';
import { EmbeddedStore } from './embedded-store.js';
import { startEmbeddedWorker } from './embedded-worker.js';

/** Options for {@link createEmbeddedJobQueue}. */
export interface EmbeddedJobQueueOptions {
  /** The folder that holds the jobs (the server uses `<workspace>/.jobs`). Created when missing. */
  dir: string;
  /**
   * How often (ms) a worker looks for jobs added by another process and for cancel requests, and how often an
   * `events()` subscriber looks for events appended by another process (within one process both are woken at once).
   * @default 250
   */
  pollInterval?: number;
  /** Called with errors a worker met and will retry (a file that could not be read or written); ignored by default. */
  onError?: (error: Error) => void;
}

/** Newest first. */
function newestFirst(a: JobRecord, b: JobRecord): number {
  return a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;
}

/**
 * A durable job queue in a folder, for one process (no services to install): `jobs/<id>.json` records written
 * atomically (temporary file + rename), `events/<id>.jsonl` append-only event logs (fsync'd; a torn last line after
 * a crash is ignored), and a `worker.lock` file with the pid of the one process that works the folder.
 *
 * Any number of queue instances (and processes) may add, read, cancel and follow jobs; only one process works them
 * ({@link JobQueue.work} throws a `QueueLockedError` naming the live holder's pid; a dead holder's lock is taken
 * over). On `work()`, jobs a dead process left `running` are queued again and run again (`attempts` + 1).
 *
 * @example
 * ```ts no-run
 * const queue = createEmbeddedJobQueue({ dir: 'studio-workspace/.jobs' });
 * const worker = queue.work({ run: async (job, { signal, emit }) => { await emit('step', {}); return { ok: true }; } });
 * const job = await queue.add({ type: 'run', model: 'andie', owner: 'user-1', params: {} });
 * for await (const event of queue.events(job.id)) console.log(event.seq, event.type, event.data);
 * await worker.stop();
 * await queue.close();
 * ```
 */
export function createEmbeddedJobQueue(options: EmbeddedJobQueueOptions): JobQueue {
  const store = new EmbeddedStore(options.dir);
  const pollInterval = Math.max(10, options.pollInterval ?? 250);
  const workers = new Set<JobWorker>();
  const closed = new AbortController();

  const mustGet = async (id: string): Promise<JobRecord> => {
    const record = await store.read(id);
    if (!record) throw new JobNotFoundError(id);
    return record;
  };

  const waitForEvent = async (id: string, signal: AbortSignal): Promise<void> => {
    const timeout = AbortSignal.timeout(pollInterval);
    try {
      await once(store.shared.emitter, `event:${id}`, { signal: AbortSignal.any([signal, timeout]) });
    } catch {
      // Timed out or aborted: the caller reads again or stops.
    }
  };

  return {
    kind: 'embedded',

    async add<Params>(job: NewJob<Params>) {
      validateNewJob(job);
      const record: JobRecord<Params> = {
        id: createJobId(),
        type: job.type,
        model: job.model,
        owner: job.owner,
        params: (job.params ?? null) as Params,
        state: 'queued',
        createdAt: new Date().toISOString(),
        attempts: 0,
      };
      await store.create(record);
      await store.append(record.id, 'job-state', { state: 'queued', attempt: 0 });
      store.notifyQueued();
      return record;
    },

    get: (id) => store.read(id),

    async list(filter: JobFilter = {}) {
      const records = await store.all();
      return records
        .filter(
          (record) =>
            (filter.owner === undefined || record.owner === filter.owner) &&
            (filter.model === undefined || record.model === filter.model) &&
            (filter.state === undefined || record.state === filter.state),
        )
        .sort(newestFirst);
    },

    async cancel(id) {
      await mustGet(id);
      const changed = await store.update(id, (record) => {
        if (record.state === 'queued') return { ...record, state: 'cancelled', endedAt: new Date().toISOString() };
        if (record.state === 'running' && !record.cancelRequested) return { ...record, cancelRequested: true };
        return undefined;
      });
      if (!changed) throw new JobNotFoundError(id);
      const [before, after] = changed;
      if (before.state === 'queued' && after.state === 'cancelled') {
        await store.append(id, 'job-state', { state: 'cancelled', attempt: after.attempts });
      }
      const running = store.shared.running.get(id);
      if (after.state === 'running' && running) abortRunning(running, 'cancel');
      return after;
    },

    async resume(id) {
      const current = await mustGet(id);
      const changed = await store.update(id, (record) => {
        return isResumable(record) ? resumedRecord(record) : undefined;
      });
      const after = changed?.[1] ?? current;
      if (!changed || changed[0].state === after.state) {
        throw new JobStateError(
          id,
          after.state,
          `Job ${id} is ${after.state}: only a stopped, failed or cancelled job can be resumed.`,
        );
      }
      await store.append(id, 'job-state', { state: 'queued', attempt: after.attempts, resumed: true });
      store.notifyQueued();
      return after;
    },

    async appendEvent(id, event): Promise<JobEvent> {
      await mustGet(id);
      return store.append(id, event.type, event.data);
    },

    async appendEvents(id, events) {
      await mustGet(id);
      return store.appendMany(id, events);
    },

    events(id, eventOptions = {}) {
      const signals = [closed.signal, ...(eventOptions.signal ? [eventOptions.signal] : [])];
      return followEvents(
        id,
        {
          read: (after) => store.events(id, after),
          state: async () => (await store.read(id))?.state,
          tail: async () => (await store.events(id, 0)).at(-1),
          wait: (_after, signal) => waitForEvent(id, signal),
        },
        { after: eventOptions.after, signals },
      );
    },

    work(handlers, workerOptions = {}) {
      const worker = startEmbeddedWorker(
        store,
        handlers,
        workerOptions,
        pollInterval,
        options.onError ?? (() => undefined),
      );
      const tracked: JobWorker = {
        async stop() {
          await worker.stop();
          workers.delete(tracked);
        },
      };
      workers.add(tracked);
      return tracked;
    },

    async close() {
      closed.abort();
      await Promise.all([...workers].map((worker) => worker.stop()));
    },
  };
}
