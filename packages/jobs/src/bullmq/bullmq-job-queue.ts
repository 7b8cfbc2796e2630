import type { RedisOptions } from 'ioredis';
import { JobNotFoundError } from '../errors/job-not-found-error.js';
import { JobStateError } from '../errors/job-state-error.js';
import type { JobFilter, JobQueue, JobRecord, JobWorker, JobWorkerOptions, NewJob } from '../job-queue.js';
import { followEvents } from '../shared/follow-events.js';
import { createJobId } from '../shared/job-id.js';
import { isResumable, resumedRecord, stateEventData } from '../shared/job-transitions.js';
import { validateNewJob } from '../shared/validate-new-job.js';
import type { BlockingEventFollower } from './blocking-event-waiter.js';
import { type BullmqWorkerSettings, startBullmqWorker } from './bullmq-worker.js';
import { bullmqQueueName, openRedisBackend, type RedisBackend } from './redis-backend.js';
import { toRedisOptions } from './redis-connection-options.js';

/** Options for {@link createBullmqJobQueue}. */
export interface BullmqJobQueueOptions {
  /** Redis: a `redis://[user:password@]host:port[/db]` URL (or `rediss://`), or ioredis options. */
  connection: string | RedisOptions;
  /**
   * Prefix of every key (BullMQ's and the job records'): queues with different prefixes share nothing.
   * @default 'model-studio'
   */
  prefix?: string;
  /**
   * How long (ms) a worker's hold on a running job lasts without renewal (BullMQ's `lockDuration`); a worker killed
   * with kill -9 loses its jobs after this, and another worker takes them over. Also the model lock's expiry.
   * @default 30000
   */
  lockDuration?: number;
  /**
   * How often (ms) workers look for jobs whose worker died (BullMQ's `stalledInterval`).
   * @default 30000
   */
  stalledInterval?: number;
  /**
   * How often (ms) a running job's worker looks for a cancel request.
   * @default 250
   */
  cancelPollInterval?: number;
  /** Called with connection and worker errors (they are retried); by default they are ignored. */
  onError?: (error: Error) => void;
}

/** The worker settings from the queue's options. */
function workerSettings(
  options: BullmqJobQueueOptions,
  connection: RedisOptions,
  prefix: string,
): BullmqWorkerSettings {
  const lockDuration = Math.max(200, options.lockDuration ?? 30_000);
  return {
    queueName: bullmqQueueName,
    prefix,
    connection,
    lockDuration,
    stalledInterval: Math.max(100, options.stalledInterval ?? 30_000),
    modelLockTtl: lockDuration,
    cancelPollInterval: Math.max(20, options.cancelPollInterval ?? 250),
    modelRetryDelay: Math.min(1_000, Math.max(100, Math.floor(lockDuration / 4))),
    onError: options.onError ?? (() => undefined),
  };
}

/** A new job record, queued. */
function newRecord<Params>(job: NewJob<Params>): JobRecord<Params> {
  validateNewJob(job);
  return {
    id: createJobId(),
    type: job.type,
    model: job.model,
    owner: job.owner,
    params: (job.params ?? null) as Params,
    state: 'queued',
    createdAt: new Date().toISOString(),
    attempts: 0,
  };
}

/** Starts a worker once the backend is open; `stop()` waits for the start. */
function lazyWorker(started: Promise<JobWorker>, onStopped: () => void): JobWorker {
  return {
    async stop() {
      const worker = await started.catch(() => undefined);
      await worker?.stop();
      onStopped();
    },
  };
}

/**
 * A job queue on Redis with BullMQ, for any number of worker processes on any machines. Job records are Redis hashes
 * (listed through sorted sets by owner and model), events are a Redis Stream per job (followed live with XREAD
 * BLOCK), one job per model runs at a time across every worker (a Redis lock per model, renewed while it runs), and a
 * worker killed mid-job loses it after `lockDuration`: another worker's stalled-job check takes it over (attempts + 1).
 * BullMQ and ioredis are loaded on first use; a bad URL throws a `ValidationError` at once.
 *
 * @example
 * ```ts no-run
 * const queue = createBullmqJobQueue({ connection: process.env.REDIS_URL!, prefix: 'studio' });
 * const worker = queue.work({ run: async (job, { signal }) => ({ ok: true }) }, { concurrency: 4 });
 * ```
 */
export function createBullmqJobQueue(options: BullmqJobQueueOptions): JobQueue {
  const connection = toRedisOptions(options.connection);
  const prefix = options.prefix ?? 'model-studio';
  const settings = workerSettings(options, connection, prefix);
  const backend: Promise<RedisBackend> = openRedisBackend(connection, prefix, settings.onError);
  backend.catch(() => undefined); // reported by the first call that needs it
  const store = async () => (await backend).store;
  const workers = new Set<JobWorker>();
  const closed = new AbortController();

  const enqueue = async (record: JobRecord) => {
    const opened = await backend;
    const jobId = await opened.store.nextBullJobId(record.id);
    await opened.queue().add(record.type, { id: record.id }, { jobId, removeOnComplete: true, removeOnFail: true });
  };

  return {
    kind: 'bullmq',

    async add<Params>(job: NewJob<Params>) {
      const record = newRecord(job);
      await (await store()).create(record);
      await (await store()).append(record.id, 'job-state', stateEventData(record));
      await enqueue(record);
      return record;
    },

    get: async (id) => (await store()).read(id),

    list: async (filter: JobFilter = {}) => (await store()).list(filter),

    async cancel(id) {
      const records = await store();
      const changed = await records.update(id, (record) => {
        if (record.state === 'queued') return { ...record, state: 'cancelled', endedAt: new Date().toISOString() };
        if (record.state === 'running' && !record.cancelRequested) return { ...record, cancelRequested: true };
        return undefined;
      });
      if (!changed) throw new JobNotFoundError(id);
      if (changed[0].state === 'queued' && changed[1].state === 'cancelled') {
        await records.append(id, 'job-state', stateEventData(changed[1]));
      }
      return changed[1];
    },

    async resume(id) {
      const records = await store();
      const current = await records.read(id);
      if (!current) throw new JobNotFoundError(id);
      const changed = await records.update(id, (record) => (isResumable(record) ? resumedRecord(record) : undefined));
      const after = changed?.[1] ?? current;
      if (!changed || changed[0] === changed[1]) {
        throw new JobStateError(
          id,
          after.state,
          `Job ${id} is ${after.state}: only a stopped, failed or cancelled job can be resumed.`,
        );
      }
      await records.append(id, 'job-state', stateEventData(after, { resumed: true }));
      await enqueue(after);
      return after;
    },

    async appendEvent(id, event) {
      const appended = await (await store()).append(id, event.type, event.data);
      if (!appended) throw new JobNotFoundError(id);
      return appended;
    },

    async appendEvents(id, events) {
      const appended = await (await store()).appendMany(id, events);
      if (!appended) throw new JobNotFoundError(id);
      return appended;
    },

    events(id, eventOptions = {}) {
      const signals = [closed.signal, ...(eventOptions.signal ? [eventOptions.signal] : [])];
      let follower: BlockingEventFollower | undefined;
      return followEvents(
        id,
        {
          read: async (after) => (await store()).events(id, after),
          state: async () => (await (await store()).read(id))?.state,
          tail: async () => (await store()).tail(id),
          wait: async (after, signal) => {
            follower ??= (await backend).waiter.follower(id);
            await follower.wait(after, signal);
          },
          dispose: () => follower?.close(),
        },
        { after: eventOptions.after, signals },
      );
    },

    work(handlers, workerOptions: JobWorkerOptions = {}) {
      const started = backend.then(({ bullmq, store: records }) =>
        startBullmqWorker(bullmq, records, handlers, workerOptions, settings),
      );
      started.catch(settings.onError);
      const tracked = lazyWorker(started, () => workers.delete(tracked));
      workers.add(tracked);
      return tracked;
    },

    async close() {
      if (closed.signal.aborted) return;
      closed.abort();
      await Promise.all([...workers].map((worker) => worker.stop()));
      const opened = await backend.catch(() => undefined);
      await opened?.close();
    },
  };
}
