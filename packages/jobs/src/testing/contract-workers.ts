import type { JobRecord } from '../job-queue.js';
import type { JobQueueContractOptions, JobQueueContractTestApi } from './job-queue-contract-api.js';
import { aborted, collect, gate, withQueue } from './job-queue-contract-api.js';
import { waitUntil } from './wait-until.js';

/** Concurrency, one job per model, takeover after a restart, close. */
export function workerContractTests(api: JobQueueContractTestApi, options: JobQueueContractOptions): void {
  const { it, expect } = api;
  const timeout = options.timeout ?? 60_000;

  it(
    'runs at most `concurrency` jobs at once and never two of one model',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const release = gate();
        const active = new Map<string, string>();
        const overlaps: string[] = [];
        let most = 0;
        const worker = queue.work(
          {
            run: async (job) => {
              if ([...active.values()].includes(job.model)) overlaps.push(job.model);
              active.set(job.id, job.model);
              most = Math.max(most, active.size);
              await release.promise;
              active.delete(job.id);
            },
          },
          { concurrency: 2 },
        );
        try {
          const jobs: JobRecord[] = [];
          for (const model of ['andie', 'andie', 'andie', 'bea']) {
            jobs.push(await queue.add({ type: 'run', model, owner: 'u1', params: {} }));
          }
          await waitUntil('two jobs run', () => active.size === 2);
          expect(new Set(active.values())).toEqual(new Set(['andie', 'bea']));
          const running = await queue.list({ state: 'running' });
          expect(running.map((job) => job.model).sort()).toEqual(['andie', 'bea']);
          release.open();
          for (const job of jobs) {
            await waitUntil(`job ${job.id} completed`, async () => (await queue.get(job.id))?.state === 'completed');
          }
          expect(overlaps).toEqual([]);
          expect(most).toBe(2);
        } finally {
          await worker.stop();
        }
      });
    },
    timeout,
  );

  it(
    'a job left running by a stopped worker is taken over after a restart (attempts + 1)',
    async () => {
      await withQueue(options, async ({ queue, open }) => {
        let cancelledOnStop: boolean | undefined;
        const first = queue.work({
          run: async (_job, { signal, emit, cancelled }) => {
            await emit('started', { by: 'first' });
            await aborted(signal);
            cancelledOnStop = cancelled();
            throw signal.reason;
          },
        });
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        await waitUntil('the first worker runs the job', async () => (await queue.get(job.id))?.state === 'running');
        await first.stop();
        expect((await queue.get(job.id))?.state).toBe('running');
        // A worker stop is not a cancel: the handler keeps what the job rents for the next attempt.
        expect(cancelledOnStop).toBe(false);
        await queue.close();
        const restarted = await open();
        const attempts: number[] = [];
        const second = restarted.work({
          run: async (_job, { attempt, emit }) => {
            attempts.push(attempt);
            await emit('started', { by: 'second' });
            return { by: 'second' };
          },
        });
        try {
          const events = await collect(restarted.events(job.id));
          const record = await restarted.get(job.id);
          expect(record).toMatchObject({ state: 'completed', attempts: 2, result: { by: 'second' } });
          expect(attempts).toEqual([2]);
          expect(events.filter((event) => event.type === 'started').map((event) => event.data)).toEqual([
            { by: 'first' },
            { by: 'second' },
          ]);
        } finally {
          await second.stop();
        }
      });
    },
    timeout,
  );

  it(
    'close ends event subscriptions and stops its workers; another instance then works the store',
    async () => {
      await withQueue(options, async ({ queue, open }) => {
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        const following = collect(queue.events(job.id));
        queue.work({ run: async (_job, { signal }) => aborted(signal) });
        await waitUntil('the job is running', async () => (await queue.get(job.id))?.state === 'running');
        await queue.close();
        const seen = await following;
        expect(seen.map((event) => event.type)).toContain('job-state');
        const other = await open();
        const worker = other.work({ run: async () => 'done' });
        try {
          await waitUntil('the job was taken over', async () => (await other.get(job.id))?.state === 'completed');
          expect((await other.get(job.id))?.result).toBe('done');
        } finally {
          await worker.stop();
        }
      });
    },
    timeout,
  );
}
