import type { Job } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import {
  isFinalJobState,
  type JobHandler,
  type JobRecord,
  type JobWorker,
  type JobWorkerOptions,
} from '../job-queue.js';
import { isFinalStateEvent } from '../shared/follow-events.js';
import { claimedRecord, endedRecord, stateEventData, unknownTypeError } from '../shared/job-transitions.js';
import { abortRunning, type HandlerOutcome, type RunningJob, runHandler } from '../shared/run-handler.js';
import { within } from '../shared/within.js';
import { defaultWorkerId } from '../shared/worker-id.js';
import { acquireModelLock, type HeldModelLock } from './model-lock.js';
import type { BullmqJobData, BullmqModule } from './redis-backend.js';
import type { RedisJobStore } from './redis-job-store.js';

/** Settings of a BullMQ worker, from the queue's options. */
export interface BullmqWorkerSettings {
  queueName: string;
  prefix: string;
  connection: RedisOptions;
  lockDuration: number;
  stalledInterval: number;
  modelLockTtl: number;
  cancelPollInterval: number;
  modelRetryDelay: number;
  onError: (error: Error) => void;
}

/** Moves the BullMQ job back to delayed (run again after `delay` ms) and ends this processing of it. */
async function postpone(
  bullmq: BullmqModule,
  job: Job<BullmqJobData>,
  token: string | undefined,
  delay: number,
): Promise<never> {
  await job.moveToDelayed(Date.now() + delay, token);
  throw new bullmq.DelayedError();
}

/** Stores how a job ended and appends its `job-state` event (a released job stays `running`). */
async function finish(store: RedisJobStore, id: string, outcome: HandlerOutcome): Promise<void> {
  if (outcome.state === 'released') return;
  const changed = await store.update(id, (record) =>
    record.state === 'running' ? endedRecord(record, outcome) : undefined,
  );
  if (!changed) return;
  if (changed[0].state === 'running') {
    await store.append(id, 'job-state', stateEventData(changed[1]));
  } else if (isFinalJobState(changed[0].state) && !isFinalStateEvent(await store.tail(id))) {
    // A retry after the record was stored but its event was not: the log must still end with the final state.
    await store.append(id, 'job-state', stateEventData(changed[0]));
  }
}

/** Runs `task`, trying again up to 5 times (0.2 s, 0.4 s, ... apart) while Redis fails. */
async function retried(task: () => Promise<void>, onError: (error: Error) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= 5) throw error;
      onError(error as Error);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

/** Fails a job no handler of this worker runs. */
async function failUnknownType(store: RedisJobStore, record: JobRecord): Promise<void> {
  const error = unknownTypeError(record.type);
  const changed = await store.update(record.id, (current) =>
    current.state === 'queued' || current.state === 'running'
      ? { ...current, state: 'failed', endedAt: new Date().toISOString(), error }
      : undefined,
  );
  if (changed && changed[1].state === 'failed' && changed[0].state !== 'failed') {
    await store.append(record.id, 'job-state', stateEventData(changed[1]));
  }
}

/** Claims the job (queued, or running after a takeover) for this worker; `undefined` when it ended meanwhile. */
async function claim(store: RedisJobStore, id: string, workerId: string): Promise<JobRecord | undefined> {
  const changed = await store.update(id, (record) =>
    record.state === 'queued' || record.state === 'running' ? claimedRecord(record, workerId) : undefined,
  );
  if (changed?.[1].state !== 'running' || changed[0] === changed[1]) return undefined;
  const takeover = changed[0].state === 'running';
  const extra = takeover ? { takeover: true, previousWorker: changed[0].worker ?? null } : {};
  await store.append(id, 'job-state', stateEventData(changed[1], extra));
  return changed[1];
}

/** Runs the handler while renewing the model lock and watching for a cancel request. */
async function runWatched(
  store: RedisJobStore,
  settings: BullmqWorkerSettings,
  job: JobRecord,
  handler: JobHandler,
  entry: RunningJob,
  lock: HeldModelLock,
): Promise<HandlerOutcome> {
  let lastRenew = Date.now();
  const watch = setInterval(() => {
    void (async () => {
      if (Date.now() - lastRenew > settings.modelLockTtl / 3) {
        lastRenew = Date.now();
        await lock.renew();
      }
      if (!entry.why && (await store.read(job.id))?.cancelRequested) abortRunning(entry, 'cancel');
    })().catch(settings.onError);
  }, settings.cancelPollInterval);
  try {
    if (job.cancelRequested) abortRunning(entry, 'cancel');
    return await runHandler(handler, job, entry, async (events) => {
      await store.appendMany(job.id, events);
    });
  } finally {
    clearInterval(watch);
  }
}

/**
 * A BullMQ worker for the queue: takes the model's Redis lock (a job whose model is locked goes back to delayed and
 * is tried again shortly), claims the record, runs the handler, stores the outcome. On `stop()` running handlers are
 * aborted and their jobs go back to the queue, still `running`, for another worker to take over.
 */
export function startBullmqWorker(
  bullmq: BullmqModule,
  store: RedisJobStore,
  handlers: Record<string, JobHandler>,
  options: JobWorkerOptions,
  settings: BullmqWorkerSettings,
): JobWorker {
  const workerId = options.workerId ?? defaultWorkerId();
  const running = new Map<string, RunningJob>();
  let stopping = false;
  const processor = async (bullJob: Job<BullmqJobData>, token?: string): Promise<void> => {
    if (stopping) return postpone(bullmq, bullJob, token, 0);
    const record = await store.read(bullJob.data.id);
    if (!record || (record.state !== 'queued' && record.state !== 'running')) return;
    if ((await store.currentBullJobId(record.id)) !== bullJob.id) return; // left over from an earlier round
    const handler = handlers[record.type];
    if (!handler) return failUnknownType(store, record);
    const jitter = Math.floor(Math.random() * settings.modelRetryDelay);
    const lock = await acquireModelLock(store.client, settings.prefix, record.model, workerId, settings.modelLockTtl);
    if (!lock) return postpone(bullmq, bullJob, token, settings.modelRetryDelay + jitter);
    const entry: RunningJob = {
      id: record.id,
      model: record.model,
      controller: new AbortController(),
      why: undefined,
      done: Promise.resolve(),
    };
    let outcome: HandlerOutcome = { state: 'released' };
    try {
      const claimed = await claim(store, record.id, workerId);
      if (!claimed) return;
      running.set(record.id, entry);
      if (stopping) abortRunning(entry, 'worker-stop');
      outcome = await runWatched(store, settings, claimed, handler, entry, lock);
      await retried(() => finish(store, record.id, outcome), settings.onError);
    } finally {
      running.delete(record.id);
      await lock.release();
    }
    if (outcome.state === 'released') await postpone(bullmq, bullJob, token, 0);
  };
  const worker = new bullmq.Worker<BullmqJobData>(settings.queueName, processor, {
    connection: { ...settings.connection, maxRetriesPerRequest: null },
    prefix: settings.prefix,
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 1)),
    lockDuration: settings.lockDuration,
    stalledInterval: settings.stalledInterval,
    maxStalledCount: 1_000_000,
    drainDelay: 1,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
    name: workerId,
  });
  worker.on('error', settings.onError);
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        for (const entry of running.values()) abortRunning(entry, 'worker-stop');
        // close() waits for Redis; when it is unreachable, give up after a while and drop the connections.
        const unreachable = store.client.status !== 'ready';
        await within(worker.close(unreachable), settings.lockDuration + 5_000, () => worker.close(true));
      })();
      return stopped;
    },
  };
}
