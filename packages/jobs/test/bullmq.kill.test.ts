import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqJobQueue, type JobQueue, type JobRecord } from '../src/index.js';
import { type StartedRedisServer, startRedisServer, waitUntil } from '../src/testing/index.js';
import { endWorkerProcess, type LogLine, readLog, startWorkerProcess, type WorkerProcess } from './kill-worker.js';

/** Each model's runs as [start, end] intervals: a killed attempt ends when its process was killed. */
function intervals(log: LogLine[], killed: { worker: string; at: number }): Map<string, [number, number][]> {
  const byModel = new Map<string, [number, number][]>();
  for (const start of log.filter((line) => line.what === 'start')) {
    const done = log.find(
      (line) =>
        line.what === 'done' &&
        line.job === start.job &&
        line.worker === start.worker &&
        line.attempt === start.attempt,
    );
    const end = done?.at ?? (start.worker === killed.worker ? killed.at : Number.POSITIVE_INFINITY);
    byModel.set(start.model, [...(byModel.get(start.model) ?? []), [start.at, end]]);
  }
  return byModel;
}

describe('bullmq queue: two worker processes, one killed with kill -9 mid-job', () => {
  let redis: StartedRedisServer;
  let dir: string;
  let queue: JobQueue;
  const started: WorkerProcess[] = [];
  const prefix = `kill-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    redis = await startRedisServer();
    dir = await mkdtemp(join(tmpdir(), 'jobs-bullmq-kill-'));
    queue = createBullmqJobQueue({ connection: redis.url, prefix });
  });
  afterAll(async () => {
    await Promise.all(started.map((worker) => endWorkerProcess(worker, 'SIGKILL')));
    await queue?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the other worker finishes the job exactly once, and two jobs of one model never overlap', async () => {
    const args = { kind: 'bullmq' as const, where: redis.url, prefix, logFile: join(dir, 'log.txt') };
    const workers = await Promise.all([startWorkerProcess(args, 'w1'), startWorkerProcess(args, 'w2')]);
    started.push(...workers);
    const jobs: JobRecord[] = [];
    for (const model of ['andie', 'andie', 'bea']) {
      jobs.push(await queue.add({ type: 'slow', model, owner: 'u1', params: { steps: 6 } }));
    }
    const victimStart = await waitUntil('a worker started the first job', () =>
      readLog(args.logFile).find((line) => line.what === 'start' && line.job === jobs[0]!.id),
    );
    const victim = workers.find((worker) => worker.workerId === victimStart.worker)!;
    await endWorkerProcess(victim, 'SIGKILL');
    const killedAt = Date.now();

    for (const job of jobs) {
      await waitUntil(`job ${job.id} completed`, async () => (await queue.get(job.id))?.state === 'completed', 40_000);
    }
    const log = readLog(args.logFile);
    for (const job of jobs) {
      expect(log.filter((line) => line.what === 'done' && line.job === job.id)).toHaveLength(1);
    }
    const taken = await queue.get(jobs[0]!.id);
    expect(taken?.attempts).toBe(2);
    expect(taken?.result).toEqual({ workerId: workers.find((worker) => worker !== victim)!.workerId, attempt: 2 });
    for (const [model, runs] of intervals(log, { worker: victim.workerId, at: killedAt })) {
      const sorted = [...runs].sort((a, b) => a[0] - b[0]);
      for (let index = 1; index < sorted.length; index++) {
        expect(sorted[index]![0], `runs of ${model} overlap`).toBeGreaterThanOrEqual(sorted[index - 1]![1]);
      }
    }
    const states = [];
    for await (const event of queue.events(jobs[0]!.id)) if (event.type === 'job-state') states.push(event.data);
    expect(states.map((data) => (data as { state: string }).state)).toEqual([
      'queued',
      'running',
      'running',
      'completed',
    ]);
    expect(states[2]).toMatchObject({ takeover: true, previousWorker: victim.workerId, attempt: 2 });
  }, 150_000);
});
