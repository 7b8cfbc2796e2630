import { JobNotFoundError } from '../errors/job-not-found-error.js';
import { JobStateError } from '../errors/job-state-error.js';
import { JobStoppedError } from '../errors/job-stopped-error.js';
import type { JobQueueContractOptions, JobQueueContractTestApi } from './job-queue-contract-api.js';
import { aborted, collect, withQueue } from './job-queue-contract-api.js';
import { waitUntil } from './wait-until.js';

/** Cancel of queued jobs, and resume of a cancelled one. */
export function cancelResumeContractTests(api: JobQueueContractTestApi, options: JobQueueContractOptions): void {
  const { it, expect } = api;
  const timeout = options.timeout ?? 60_000;

  it(
    'cancel ends a queued job at once; an ended job is returned as is; an unknown id throws',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        const cancelled = await queue.cancel(job.id);
        expect(cancelled).toMatchObject({ id: job.id, state: 'cancelled' });
        expect(cancelled.endedAt).toBeTruthy();
        expect(await queue.cancel(job.id)).toEqual(cancelled);
        const error = await queue.cancel('no-such-job').catch((caught: unknown) => caught);
        expect(JobNotFoundError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain('no-such-job');
        let ran = false;
        const worker = queue.work({
          run: async () => {
            ran = true;
          },
        });
        const other = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        await waitUntil('a later job completed', async () => (await queue.get(other.id))?.state === 'completed');
        await worker.stop();
        expect((await queue.get(job.id))?.state).toBe('cancelled');
        expect(ran).toBe(true);
      });
    },
    timeout,
  );

  it(
    'a job cancelled while queued, then resumed, runs once',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        await queue.cancel(job.id);
        expect((await queue.resume(job.id)).state).toBe('queued');
        const runs: string[] = [];
        const worker = queue.work({ run: async (current) => runs.push(current.id) }, { concurrency: 2 });
        try {
          await waitUntil('the job completed', async () => (await queue.get(job.id))?.state === 'completed');
          const later = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
          await waitUntil('a later job completed', async () => (await queue.get(later.id))?.state === 'completed');
          expect(runs).toEqual([job.id, later.id]);
          expect((await queue.get(job.id))?.attempts).toBe(1);
        } finally {
          await worker.stop();
        }
      });
    },
    timeout,
  );
}

/** Cancel of a running job, handler errors, resume of stopped and failed jobs. */
export function runningCancelResumeContractTests(api: JobQueueContractTestApi, options: JobQueueContractOptions): void {
  const { it, expect } = api;
  const timeout = options.timeout ?? 60_000;

  it(
    'cancel of a running job aborts its signal and the job ends cancelled',
    async () => {
      await withQueue(options, async ({ queue }) => {
        let sawAbort = false;
        let cancelledBefore: boolean | undefined;
        let cancelledAfter: boolean | undefined;
        const worker = queue.work({
          run: async (_job, { signal, emit, cancelled }) => {
            cancelledBefore = cancelled();
            await emit('waiting', {});
            await aborted(signal);
            sawAbort = true;
            cancelledAfter = cancelled();
            throw signal.reason;
          },
        });
        try {
          const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
          await waitUntil('the job is running', async () => (await queue.get(job.id))?.state === 'running');
          const asked = await queue.cancel(job.id);
          expect(['running', 'cancelled']).toContain(asked.state);
          const events = await collect(queue.events(job.id));
          expect(events.at(-1)).toMatchObject({ type: 'job-state', data: { state: 'cancelled' } });
          const record = await queue.get(job.id);
          expect(record?.state).toBe('cancelled');
          expect(record?.error).toBeUndefined();
          expect(sawAbort).toBe(true);
          // The handler can tell a cancel (release what the job rents) from a worker stop (keep it for the next attempt).
          expect(cancelledBefore).toBe(false);
          expect(cancelledAfter).toBe(true);
        } finally {
          await worker.stop();
        }
      });
    },
    timeout,
  );

  it(
    'handler errors are stored as { name, message }; JobStoppedError ends stopped; resume runs the job again',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const calls: number[] = [];
        const worker = queue.work({
          run: async (job, { attempt }) => {
            calls.push(attempt);
            const mode = (job.params as { mode: string }).mode;
            if (mode === 'stop' && attempt === 1)
              throw new JobStoppedError('The budget is reached: raise it, then resume.');
            if (mode === 'fail' && attempt === 1) throw new TypeError('bad input for the run');
            return { attempt };
          },
        });
        try {
          const stop = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: { mode: 'stop' } });
          const fail = await queue.add({ type: 'run', model: 'bea', owner: 'u1', params: { mode: 'fail' } });
          const unknown = await queue.add({ type: 'no-such-type', model: 'cleo', owner: 'u1', params: {} });
          const ended = async (id: string) =>
            waitUntil(`job ${id} ended`, async () => {
              const record = await queue.get(id);
              return record && ['completed', 'failed', 'stopped', 'cancelled'].includes(record.state)
                ? record
                : undefined;
            });
          const stopped = await ended(stop.id);
          expect(stopped).toMatchObject({ state: 'stopped', attempts: 1 });
          expect(stopped.error).toEqual({
            name: 'JobStoppedError',
            message: 'The budget is reached: raise it, then resume.',
          });
          const failed = await ended(fail.id);
          expect(failed.error).toEqual({ name: 'TypeError', message: 'bad input for the run' });
          expect(failed.state).toBe('failed');
          const missing = await ended(unknown.id);
          expect(missing.state).toBe('failed');
          expect(missing.error?.message).toContain('no-such-type');
          for (const id of [stop.id, fail.id]) {
            const resumed = await queue.resume(id);
            expect(resumed).toMatchObject({ state: 'queued', attempts: 1 });
            expect(resumed.error).toBeUndefined();
            const done = await ended(id);
            expect(done).toMatchObject({ state: 'completed', attempts: 2, result: { attempt: 2 } });
            expect(done.error).toBeUndefined();
          }
          const again = await queue.resume(stop.id).catch((caught: unknown) => caught);
          expect(JobStateError.isInstance(again)).toBe(true);
          expect((again as JobStateError).state).toBe('completed');
          const missingResume = await queue.resume('no-such-job').catch((caught: unknown) => caught);
          expect(JobNotFoundError.isInstance(missingResume)).toBe(true);
          expect(calls.sort()).toEqual([1, 1, 2, 2]);
        } finally {
          await worker.stop();
        }
      });
    },
    timeout,
  );
}
