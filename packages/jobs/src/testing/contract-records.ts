import { ValidationError } from '@model-studio/core';
import type { JobQueueContractOptions, JobQueueContractTestApi } from './job-queue-contract-api.js';
import { withQueue } from './job-queue-contract-api.js';

/** add, get, list with filters and order, bad input, a second instance on the same store. */
export function recordContractTests(api: JobQueueContractTestApi, options: JobQueueContractOptions): void {
  const { it, expect } = api;
  const timeout = options.timeout ?? 60_000;

  it(
    'add stores a queued job that get returns',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'user-1', params: { ratings: ['sfw'] } });
        expect(job).toMatchObject({ type: 'run', model: 'andie', owner: 'user-1', state: 'queued', attempts: 0 });
        expect(job.params).toEqual({ ratings: ['sfw'] });
        expect(job.id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(Number.isNaN(Date.parse(job.createdAt))).toBe(false);
        expect(await queue.get(job.id)).toEqual(job);
        expect(await queue.get('no-such-job')).toBeUndefined();
        expect(await queue.get('../../etc/passwd')).toBeUndefined();
      });
    },
    timeout,
  );

  it(
    'add refuses a job without type, model or owner with a ValidationError',
    async () => {
      await withQueue(options, async ({ queue }) => {
        for (const bad of [
          { type: '', model: 'andie', owner: 'u', params: {} },
          { type: 'run', model: '', owner: 'u', params: {} },
          { type: 'run', model: 'andie', owner: undefined as unknown as string, params: {} },
        ]) {
          const error = await queue.add(bad).catch((caught: unknown) => caught);
          expect(ValidationError.isInstance(error)).toBe(true);
          expect((error as Error).message).toMatch(/needs a "(type|model|owner)"/);
        }
        expect(await queue.list()).toEqual([]);
      });
    },
    timeout,
  );

  it(
    'list filters by owner, model and state, newest first',
    async () => {
      await withQueue(options, async ({ queue }) => {
        const a = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
        const b = await queue.add({ type: 'caption', model: 'bea', owner: 'u1', params: {} });
        const c = await queue.add({ type: 'run', model: 'andie', owner: 'u2', params: {} });
        await queue.cancel(b.id);
        const ids = async (filter?: Parameters<typeof queue.list>[0]) =>
          (await queue.list(filter)).map((job) => job.id);
        expect(await ids()).toEqual([c.id, b.id, a.id]);
        expect(await ids({ owner: 'u1' })).toEqual([b.id, a.id]);
        expect(await ids({ model: 'andie' })).toEqual([c.id, a.id]);
        expect(await ids({ state: 'cancelled' })).toEqual([b.id]);
        expect(await ids({ owner: 'u2', model: 'andie', state: 'queued' })).toEqual([c.id]);
        expect(await ids({ owner: 'nobody' })).toEqual([]);
      });
    },
    timeout,
  );

  it(
    'a second queue instance on the same store sees the jobs and their changes',
    async () => {
      await withQueue(options, async ({ queue, open }) => {
        const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: { n: 1 } });
        await queue.appendEvent(job.id, { type: 'note', data: { text: 'hello' } });
        const other = await open();
        expect(await other.get(job.id)).toEqual(job);
        expect((await other.list({ owner: 'u1' })).map((record) => record.id)).toEqual([job.id]);
        const cancelled = await other.cancel(job.id);
        expect(cancelled.state).toBe('cancelled');
        expect((await queue.get(job.id))?.state).toBe('cancelled');
        const events = [];
        for await (const event of queue.events(job.id)) events.push(event);
        expect(events.map((event) => event.type)).toEqual(['job-state', 'note', 'job-state']);
      });
    },
    timeout,
  );
}
