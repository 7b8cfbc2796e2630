import type { JobRecord } from '../job-queue.js';
import { claimedRecord, endedRecord, stateEventData, unknownTypeError } from '../shared/job-transitions.js';
import type { HandlerOutcome } from '../shared/run-handler.js';
import type { EmbeddedStore } from './embedded-store.js';

/** Stores how a job ended (unless the worker stopped: then it stays `running`) and appends its `job-state`. */
export async function finishJob(store: EmbeddedStore, id: string, outcome: HandlerOutcome): Promise<void> {
  if (outcome.state === 'released') return;
  const changed = await store.update(id, (record) =>
    record.state === 'running' ? endedRecord(record, outcome) : undefined,
  );
  if (changed && changed[0].state === 'running') await store.append(id, 'job-state', stateEventData(changed[1]));
}

/** Moves a queued job to `running` for this worker; `undefined` when it is no longer queued. */
export async function claimJob(store: EmbeddedStore, id: string, workerId: string): Promise<JobRecord | undefined> {
  const changed = await store.update(id, (record) =>
    record.state === 'queued' ? claimedRecord(record, workerId) : undefined,
  );
  if (changed?.[0].state !== 'queued') return undefined;
  await store.append(id, 'job-state', stateEventData(changed[1]));
  return changed[1];
}

/** Fails a queued job whose type no handler of this worker runs. */
export async function failUnknownType(store: EmbeddedStore, job: JobRecord): Promise<void> {
  const error = unknownTypeError(job.type);
  const changed = await store.update(job.id, (record) =>
    record.state === 'queued' ? { ...record, state: 'failed', endedAt: new Date().toISOString(), error } : undefined,
  );
  if (changed && changed[0].state === 'queued') await store.append(job.id, 'job-state', stateEventData(changed[1]));
}

/** Queues again every job a dead process left `running` (the caller holds the folder's lock). */
export async function requeueOrphans(store: EmbeddedStore): Promise<void> {
  for (const record of await store.all()) {
    if (record.state !== 'running' || store.shared.running.has(record.id)) continue;
    const changed = await store.update(record.id, (current) => {
      if (current.state !== 'running') return undefined;
      const next: JobRecord = { ...current, state: 'queued' };
      delete next.worker;
      return next;
    });
    if (changed && changed[0].state === 'running') {
      await store.append(
        record.id,
        'job-state',
        stateEventData(changed[1], { takeover: true, previousWorker: record.worker ?? null }),
      );
    }
  }
}
