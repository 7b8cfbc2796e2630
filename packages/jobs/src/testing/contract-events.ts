import { JobNotFoundError } from '../errors/job-not-found-error.js';
import type { JobEvent } from '../job-queue.js';
import type { JobQueueContractOptions, JobQueueContractTestApi } from './job-queue-contract-api.js';
import { collect, gate, withQueue } from './job-queue-contract-api.js';
import { waitUntil } from './wait-until.js';

/** Event logs: numbering, batches, replay, live following, `after`, the end after the final state. */
export function eventContractTests(api: JobQueueContractTestApi, options: JobQueueContractOptions): void {
  const { it, expect } = api;
  const timeout = options.timeout ?? 60_000;

  it(
    'events replays what is stored, follows live events and ends after the final job-state',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const release = gate();
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        const appended = await queue.appendEvent(job.id, { type: 'note', data: { before: true } });
        expect(appended).toMatchObject({ seq: 2, type: 'note', data: { before: true } });
        const worker = queue.work({
          run: async (_job, { emit }) => {
            await emit('unit-start', { unit: 1 });
            await release.promise;
            await emit('unit-end', { unit: 1 });
            return { done: 1 };
          },
        });
        try {
          const seen: JobEvent[] = [];
          const following = (async () => {
            for await (const event of queue.events(job.id)) seen.push(event);
          })();
          await waitUntil('the handler emitted unit-start', () => seen.some((event) => event.type === 'unit-start'));
          expect(seen.map((event) => event.type)).toEqual(['job-state', 'note', 'job-state', 'unit-start']);
          release.open();
          await following;
          expect(seen.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
          expect(seen.map((event) => event.type)).toEqual([
            'job-state',
            'note',
            'job-state',
            'unit-start',
            'unit-end',
            'job-state',
          ]);
          expect(
            seen.map((event) => (event.type === 'job-state' ? (event.data as { state: string }).state : event.type)),
          ).toEqual(['queued', 'note', 'running', 'unit-start', 'unit-end', 'completed']);
          for (const event of seen) expect(Number.isNaN(Date.parse(event.at))).toBe(false);
          const record = await queue.get(job.id);
          expect(record).toMatchObject({ state: 'completed', attempts: 1, result: { done: 1 } });
          expect(record?.startedAt && record.endedAt).toBeTruthy();
          const replayed = await collect(queue.events(job.id, { after: 3 }));
          expect(replayed.map((event) => event.seq)).toEqual([4, 5, 6]);
          expect(await collect(queue.events(job.id, { after: 6 }))).toEqual([]);
        } finally {
          await worker.stop();
        }
      });
    },
    timeout,
  );

  it(
    'events ends when its signal aborts, and throws a JobNotFoundError for an unknown job',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        const controller = new AbortController();
        const seen: JobEvent[] = [];
        const following = (async () => {
          for await (const event of queue.events(job.id, { signal: controller.signal })) seen.push(event);
        })();
        await waitUntil('the queued event was replayed', () => seen.length === 1);
        controller.abort();
        await following;
        expect(seen.map((event) => event.type)).toEqual(['job-state']);
        const error = await collect(queue.events('no-such-job')).catch((caught: unknown) => caught);
        expect(JobNotFoundError.isInstance(error)).toBe(true);
        const appendError = await queue
          .appendEvent('no-such-job', { type: 'x', data: null })
          .catch((caught: unknown) => caught);
        expect(JobNotFoundError.isInstance(appendError)).toBe(true);
      });
    },
    timeout,
  );

  it(
    'appendEvents and emitMany append a batch in order, numbered one after another, and wake followers',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const release = gate();
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        const batch = await queue.appendEvents(job.id, [
          { type: 'a', data: { n: 1 } },
          { type: 'b', data: null },
        ]);
        expect(batch.map((event) => [event.seq, event.type, event.data])).toEqual([
          [2, 'a', { n: 1 }],
          [3, 'b', null],
        ]);
        expect(await queue.appendEvents(job.id, [])).toEqual([]);
        const seen: JobEvent[] = [];
        const following = (async () => {
          for await (const event of queue.events(job.id)) seen.push(event);
        })();
        const worker = queue.work({
          run: async (_job, { emit, emitMany }) => {
            await release.promise;
            await emitMany([
              { type: 'unit-start', data: { unit: 1 } },
              { type: 'unit-end', data: { unit: 1 } },
            ]);
            await emitMany([]);
            await emit('note', { last: true });
            return { done: 1 };
          },
        });
        try {
          await waitUntil('the job is running', () => seen.length === 4);
          release.open();
          await following;
          expect(seen.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
          expect(seen.map((event) => event.type)).toEqual([
            'job-state',
            'a',
            'b',
            'job-state',
            'unit-start',
            'unit-end',
            'note',
            'job-state',
          ]);
          expect(await collect(queue.events(job.id, { after: 4 }))).toEqual(seen.slice(4));
        } finally {
          await worker.stop();
        }
        const error = await queue
          .appendEvents('no-such-job', [{ type: 'x', data: null }])
          .catch((caught: unknown) => caught);
        expect(JobNotFoundError.isInstance(error)).toBe(true);
      });
    },
    timeout,
  );
}
