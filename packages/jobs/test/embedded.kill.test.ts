import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedJobQueue, type JobQueue } from '../src/index.js';
import { waitUntil } from '../src/testing/index.js';
import { endWorkerProcess, readLog, startWorkerProcess, type WorkerProcess } from './kill-worker.js';

describe('embedded queue: a worker process killed with kill -9 mid-job', () => {
  let dir: string;
  let queue: JobQueue;
  const started: WorkerProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobs-kill-'));
    queue = createEmbeddedJobQueue({ dir: join(dir, '.jobs'), pollInterval: 50 });
  });
  afterAll(async () => {
    await Promise.all(started.map((worker) => endWorkerProcess(worker, 'SIGKILL')));
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is taken over by the next worker process, which finishes the job exactly once', async () => {
    const args = { kind: 'embedded' as const, where: join(dir, '.jobs'), prefix: '', logFile: join(dir, 'log.txt') };
    const first = await startWorkerProcess(args, 'first');
    started.push(first);
    const job = await queue.add({ type: 'slow', model: 'andie', owner: 'u1', params: { steps: 8 } });
    await waitUntil('the first worker ran two steps', async () => {
      const events = [];
      for await (const event of queue.events(job.id, { signal: AbortSignal.timeout(200) })) events.push(event);
      return events.filter((event) => event.type === 'step').length >= 2;
    });
    await endWorkerProcess(first, 'SIGKILL');
    expect((await queue.get(job.id))?.state).toBe('running');
    const lock = JSON.parse(await readFile(join(args.where, 'worker.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(first.child.pid);

    const second = await startWorkerProcess(args, 'second');
    started.push(second);
    await waitUntil('the job completed', async () => (await queue.get(job.id))?.state === 'completed');
    await endWorkerProcess(second);

    const record = await queue.get(job.id);
    expect(record).toMatchObject({ state: 'completed', attempts: 2, result: { workerId: 'second', attempt: 2 } });
    const log = readLog(args.logFile);
    expect(log.filter((line) => line.what === 'done').map((line) => line.worker)).toEqual(['second']);
    expect(log.filter((line) => line.what === 'start').map((line) => [line.worker, line.attempt])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
    const states = [];
    for await (const event of queue.events(job.id)) if (event.type === 'job-state') states.push(event.data);
    expect(states).toEqual([
      { state: 'queued', attempt: 0 },
      { state: 'running', attempt: 1, worker: 'first' },
      { state: 'queued', attempt: 1, takeover: true, previousWorker: 'first' },
      { state: 'running', attempt: 2, worker: 'second' },
      { state: 'completed', attempt: 2 },
    ]);
  }, 150_000);
});
