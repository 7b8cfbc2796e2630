import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedJobQueue, type JobEvent, JobNotFoundError, type JobQueue } from '@model-studio/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobEventForwarder } from '../src/jobs/job-event-forwarder.js';

let dir: string;
let queue: JobQueue;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-forwarder-'));
  queue = createEmbeddedJobQueue({ dir, pollInterval: 20 });
});

afterAll(async () => {
  await queue.close();
  await rm(dir, { recursive: true, force: true });
});

async function runJob(body: Parameters<JobQueue['work']>[0]['run']): Promise<JobEvent[]> {
  const worker = queue.work({ run: body });
  try {
    const job = await queue.add({
      type: 'run',
      model: `m-${Math.random().toString(36).slice(2)}`,
      owner: 'u',
      params: {},
    });
    const events: JobEvent[] = [];
    for await (const event of queue.events(job.id)) events.push(event);
    expect(await queue.get(job.id)).toMatchObject({ state: 'completed' });
    return events;
  } finally {
    await worker.stop();
  }
}

describe('job event forwarder', () => {
  it('writes events pushed by a synchronous callback in order, in batches, all before the job ends', async () => {
    const events = await runJob(async (_job, context) => {
      const forwarder = createJobEventForwarder(context);
      for (let n = 1; n <= 200; n++) forwarder.push('unit-end', { n });
      await new Promise((resolve) => setImmediate(resolve));
      forwarder.push('run-end', { n: 201 });
      await forwarder.flush();
      return { ok: true };
    });
    const forwarded = events.filter((event) => event.type !== 'job-state');
    expect(forwarded.map((event) => (event.data as { n: number }).n)).toEqual(
      Array.from({ length: 201 }, (_, i) => i + 1),
    );
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'job-state', data: { state: 'completed' } });
    // The first push starts a write of one event; the 199 pushed meanwhile go together in the next batch (one `at`).
    expect(new Set(forwarded.slice(1, 200).map((event) => event.at)).size).toBe(1);
  });

  it('with lingerMs, gathers events into one batch, and flush does not wait for the linger', async () => {
    const events = await runJob(async (_job, context) => {
      const forwarder = createJobEventForwarder(context, { lingerMs: 60_000 });
      forwarder.push('unit-start', { n: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      forwarder.push('unit-end', { n: 1 });
      await forwarder.flush();
      return { ok: true };
    });
    const forwarded = events.filter((event) => event.type !== 'job-state');
    expect(forwarded.map((event) => event.type)).toEqual(['unit-start', 'unit-end']);
    expect(forwarded[0]?.at).toBe(forwarded[1]?.at);
  });

  it('keeps the first failed write and rethrows it from flush, without throwing from push', async () => {
    const forwarder = createJobEventForwarder({
      emitMany: async (events) => {
        await queue.appendEvents('no-such-job', events);
      },
    });
    expect(() => forwarder.push('unit-end', { n: 1 })).not.toThrow();
    forwarder.push('unit-end', { n: 2 });
    const error = await forwarder.flush().catch((caught: unknown) => caught);
    expect(JobNotFoundError.isInstance(error)).toBe(true);
  });
});
