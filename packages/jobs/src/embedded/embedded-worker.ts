import type { JobHandler, JobRecord, JobWorker, JobWorkerOptions } from '../job-queue.js';
import { abortRunning, type RunningJob, runHandler } from '../shared/run-handler.js';
import { defaultWorkerId } from '../shared/worker-id.js';
import type { EmbeddedStore } from './embedded-store.js';
import { claimJob, failUnknownType, finishJob, requeueOrphans } from './embedded-transitions.js';
import { acquireFolderLock } from './folder-lock.js';

/** Oldest first: the order jobs are taken in. */
function byAge(a: JobRecord, b: JobRecord): number {
  return a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1;
}

/**
 * Works an embedded queue's folder in this process: takes its lock (throws a QueueLockedError while another live
 * process holds it), re-queues the jobs a dead process left `running`, then runs queued jobs oldest first, at most
 * `concurrency` at once and one per model, polling the folder every `pollInterval` ms and waking at once on jobs
 * added in this process.
 */
export function startEmbeddedWorker(
  store: EmbeddedStore,
  handlers: Record<string, JobHandler>,
  options: JobWorkerOptions,
  pollInterval: number,
  onError: (error: Error) => void,
): JobWorker {
  const release = acquireFolderLock(store.dir, store.lockFile);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const workerId = options.workerId ?? defaultWorkerId();
  const running = new Map<string, RunningJob>();
  let stopping = false;
  let ticking: Promise<void> | undefined;
  let again = false;

  const run = (job: JobRecord, handler: JobHandler): void => {
    const entry: RunningJob = {
      id: job.id,
      model: job.model,
      controller: new AbortController(),
      why: undefined,
      done: Promise.resolve(),
    };
    running.set(job.id, entry);
    store.shared.running.set(job.id, entry);
    if (job.cancelRequested) abortRunning(entry, 'cancel');
    const emit = async (events: readonly { type: string; data: unknown }[]) => {
      await store.appendMany(job.id, events);
    };
    entry.done = (async () => {
      try {
        const outcome = await runHandler(handler, job, entry, emit);
        await finishJob(store, job.id, outcome);
      } catch (error) {
        // The folder could not be written (disk full, removed): the job stays `running` and is taken over on restart.
        onError(error as Error);
      } finally {
        running.delete(job.id);
        store.shared.running.delete(job.id);
        wake();
      }
    })();
  };

  const pass = async (): Promise<void> => {
    for (const entry of running.values()) {
      if (entry.why) continue;
      const record = await store.read(entry.id);
      if (record?.cancelRequested) abortRunning(entry, 'cancel');
    }
    if (running.size >= concurrency) return;
    const queued = (await store.all()).filter((record) => record.state === 'queued').sort(byAge);
    const busy = new Set([...running.values()].map((entry) => entry.model));
    for (const job of queued) {
      if (stopping || running.size >= concurrency) return;
      if (busy.has(job.model)) continue;
      const handler = handlers[job.type];
      if (!handler) {
        await failUnknownType(store, job);
        continue;
      }
      const claimed = await claimJob(store, job.id, workerId);
      if (!claimed) continue;
      busy.add(job.model);
      run(claimed, handler);
    }
  };

  function wake(): void {
    if (stopping) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          // A passing file-system error: the next poll tries again.
          onError(error as Error);
        }
      } while (again && !stopping);
    })().finally(() => {
      ticking = undefined;
      if (again) wake();
    });
  }

  const onQueued = () => wake();
  store.shared.emitter.on('queued', onQueued);
  const timer = setInterval(wake, pollInterval);
  ticking = requeueOrphans(store)
    .catch(onError)
    .finally(() => {
      ticking = undefined;
      wake();
    });

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(timer);
        store.shared.emitter.off('queued', onQueued);
        while (ticking) await ticking;
        for (const entry of running.values()) abortRunning(entry, 'worker-stop');
        await Promise.all([...running.values()].map((entry) => entry.done));
        release();
      })();
      return stopped;
    },
  };
}
