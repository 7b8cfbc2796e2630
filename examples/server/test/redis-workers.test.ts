import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBullmqJobQueue, type JobEvent, type JobQueue, type JobRecord } from '@model-studio/jobs';
import { type StartedRedisServer, startRedisServer } from '@model-studio/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Child,
  ledgerActuals,
  listening,
  prepareWorkspace,
  sandboxBilling,
  startSandboxProcess,
  startServerProcess,
} from './server-processes.js';

const working = /working (bullmq) jobs/;

async function jobEnd(queue: JobQueue, id: string, timeoutMs = 120_000): Promise<JobRecord> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.get(id);
    if (job && ['completed', 'failed', 'stopped', 'cancelled'].includes(job.state)) return job;
    if (Date.now() > until) throw new Error(`job ${id} still ${job?.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function eventsOf(queue: JobQueue, id: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const event of queue.events(id)) events.push(event);
  return events;
}

describe('scale-out: an API process and two worker processes on Redis (from dist)', () => {
  let root: string;
  let redis: StartedRedisServer;
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
  let queue: JobQueue;
  let key: string;
  let ownerId: string;
  let api: Child & { ready: string };
  const workers: Child[] = [];
  let env: Record<string, string>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'studio-server-redis-'));
    redis = await startRedisServer();
    sandbox = await startSandboxProcess({
      credits: 1_000_000,
      jobDurations: { swap: { pendingMs: 20, runningMs: 200 }, enhance: { pendingMs: 20, runningMs: 250 } },
    });
    ({ key, userId: ownerId } = await prepareWorkspace(root, 'red', 10));
    await prepareWorkspace(root, 'twin', 4);
    env = {
      STUDIO_WORKSPACE: root,
      REDIS_URL: redis.url,
      MAXSTUDIO_BASE_URL: sandbox.url,
      STUDIO_JOB_LOCK_MS: '3000',
      STUDIO_JOB_STALLED_MS: '1000',
    };
    api = await startServerProcess(['start', '--no-worker'], { ...env, PORT: '0' }, listening);
    for (let n = 0; n < 2; n++) workers.push(await startServerProcess(['worker', '--concurrency', '2'], env, working));
    queue = createBullmqJobQueue({ connection: redis.url, prefix: 'studio' });
  });
  afterAll(async () => {
    for (const child of [api, ...workers]) child?.child.kill('SIGKILL');
    await queue?.close();
    await sandbox?.stop();
    await redis?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('runs two run jobs of one model one after the other, never at once, and pays once', async () => {
    const model = 'twin';
    // Straight into the queue (the API would answer 409 for the second): the queue itself keeps them apart.
    const first = await queue.add({ type: 'run', model, owner: ownerId, params: {} });
    const second = await queue.add({ type: 'run', model, owner: ownerId, params: {} });
    const [a, b] = await Promise.all([jobEnd(queue, first.id), jobEnd(queue, second.id)]);
    expect([a.state, b.state]).toEqual(['completed', 'completed']);
    const spans = await Promise.all(
      [a, b].map(async (job) => {
        const events = await eventsOf(queue, job.id);
        const start = events.find((event) => event.type === 'run-start');
        const end = events.find((event) => event.type === 'run-end');
        return { start: Date.parse(start?.at ?? ''), end: Date.parse(end?.at ?? ''), worker: job.worker };
      }),
    );
    const [earlier, later] = spans.sort((x, y) => x.start - y.start) as [(typeof spans)[0], (typeof spans)[0]];
    expect(earlier.end).toBeLessThanOrEqual(later.start);
    const results = [a.result, b.result] as { succeeded: number; skipped: number }[];
    expect(results.map((r) => r.succeeded).sort()).toEqual([0, 4]);
    expect(results.map((r) => r.skipped).sort()).toEqual([0, 4]);
    expect(await sandboxBilling(sandbox.url)).toHaveLength(8);
  }, 180_000);

  it('a worker killed with SIGKILL mid-job: the other takes the job over and finishes it, nothing billed twice', async () => {
    const response = await fetch(`${api.ready}/v1/models/red/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    let running: JobRecord | undefined;
    while (!running?.worker || (await sandboxBilling(sandbox.url)).length < 8 + 4) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      running = await queue.get(id);
    }
    // Not right at a charge (its journal line may be a few ms behind): while the accepted jobs run at the sandbox.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const pid = Number(running.worker.split(':').at(-1));
    const victim = workers.find((worker) => worker.child.pid === pid);
    expect(victim, `worker ${running.worker} is one of ours`).toBeDefined();
    victim?.child.kill('SIGKILL');
    await victim?.exited();
    const job = await jobEnd(queue, id);
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(job.attempts).toBe(2);
    expect(job.worker).not.toBe(running.worker);
    let result = job.result as { succeeded: number; skipped: number; uncertain: string[] };
    const resubmitted = result.uncertain.length;
    if (resubmitted > 0) {
      // The kill fell between a submission and its journal line: settled by an explicit resubmission, never silently.
      const resume = await queue.add({
        type: 'resume',
        model: 'red',
        owner: ownerId,
        params: { resubmitUncertain: true },
      });
      expect((await jobEnd(queue, resume.id)).state).toBe('completed');
      result = { ...result, uncertain: [], succeeded: result.succeeded + resubmitted };
    }
    expect(result.succeeded + result.skipped).toBe(10);
    const bill = await sandboxBilling(sandbox.url);
    const actual = [...(await ledgerActuals(root, 'red')), ...(await ledgerActuals(root, 'twin'))];
    console.log(
      `redis test: ${bill.length} charges for ${2 * 14} paid ops; ledger actual lines ${actual.length}; resubmitted ${resubmitted}`,
    );
    const billedJobs = new Set(bill.map((charge) => charge.jobId));
    for (const line of actual) expect(billedJobs.has(line.jobId)).toBe(true);
    if (resubmitted === 0) {
      expect(bill).toHaveLength(2 * 14);
      expect(billedJobs).toEqual(new Set(actual.map((line) => line.jobId)));
      expect(bill.reduce((sum, charge) => sum + charge.credits, 0)).toBe(actual.reduce((sum, l) => sum + l.amount, 0));
    } else {
      expect(bill.length).toBeLessThanOrEqual(2 * 14 + resubmitted);
    }
  }, 180_000);
});
