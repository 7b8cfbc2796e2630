import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedJobQueue, type JobEvent } from '../src/index.js';
import { collect } from '../src/testing/index.js';

const run = promisify(execFile);
const client = fileURLToPath(new URL('./fixtures/queue-client.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function inChild(dir: string, id: string, action: string) {
  return run(process.execPath, ['--import', 'tsx', client, dir, id, action], { cwd: packageDir, timeout: 60_000 });
}

describe('embedded queue: two processes on one folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobs-processes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('events appended by two processes at once are numbered without gaps or repeats', async () => {
    const queue = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    const job = await queue.add({ type: 'run', model: 'andie', owner: 'u1', params: {} });
    let childDone = false;
    const child = inChild(dir, job.id, 'append:60').finally(() => {
      childDone = true;
    });
    let parentCount = 0;
    while (!childDone) await queue.appendEvent(job.id, { type: 'parent', data: { index: parentCount++ } });
    await child;
    await queue.cancel(job.id);
    const events: JobEvent[] = await collect(queue.events(job.id));
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 62 + parentCount }, (_, index) => index + 1));
    for (const [type, count] of [
      ['parent', parentCount],
      ['child', 60],
    ] as const) {
      const indexes = events
        .filter((event) => event.type === type)
        .map((event) => (event.data as { index: number }).index);
      expect(indexes).toEqual(Array.from({ length: count }, (_, index) => index));
    }
    await queue.close();
  }, 120_000);

  it('a cancel from another process reaches the running handler', async () => {
    const queue = createEmbeddedJobQueue({ dir, pollInterval: 50 });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const worker = queue.work({
      run: async (_job, { signal }) => {
        started();
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        throw signal.reason;
      },
    });
    const job = await queue.add({ type: 'run', model: 'bea', owner: 'u1', params: {} });
    await running;
    await inChild(dir, job.id, 'cancel');
    const events = await collect(queue.events(job.id));
    expect(events.at(-1)).toMatchObject({ type: 'job-state', data: { state: 'cancelled' } });
    expect((await queue.get(job.id))?.state).toBe('cancelled');
    await worker.stop();
    await queue.close();
  }, 120_000);
});
