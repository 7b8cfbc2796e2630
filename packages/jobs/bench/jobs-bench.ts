// Job-queue overhead: no-op jobs through each queue (add -> a worker starts it -> completed), on this machine.
// Prints figures with their goals (PASS or MISS) and writes bench/results/jobs.json. Exits 0 unless it could not measure.
// Run: pnpm --filter @model-studio/jobs bench
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBullmqJobQueue, createEmbeddedJobQueue, type JobQueue } from '../src/index.js';
import { startRedisServer, waitUntil } from '../src/testing/index.js';

const jobCount = 300;
const models = 30;
const concurrency = 4;

interface Figures {
  queue: string;
  jobs: number;
  jobsPerSecond: number;
  startLatencyP50Ms: number;
  startLatencyP99Ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(name: string, queue: JobQueue): Promise<Figures> {
  const worker = queue.work({ noop: async () => ({ ok: true }) }, { concurrency });
  const began = performance.now();
  const ids: string[] = [];
  for (let index = 0; index < jobCount; index++) {
    ids.push((await queue.add({ type: 'noop', model: `model-${index % models}`, owner: 'bench', params: {} })).id);
  }
  await waitUntil(
    'every job completed',
    async () => (await queue.list({ owner: 'bench', state: 'completed' })).length === jobCount,
    120_000,
  );
  const seconds = (performance.now() - began) / 1000;
  const records = await queue.list({ owner: 'bench' });
  const latencies = records.map((record) => Date.parse(record.startedAt ?? '') - Date.parse(record.createdAt));
  await worker.stop();
  await queue.close();
  return {
    queue: name,
    jobs: ids.length,
    jobsPerSecond: Math.round((jobCount / seconds) * 10) / 10,
    startLatencyP50Ms: percentile(latencies, 50),
    startLatencyP99Ms: percentile(latencies, 99),
  };
}

const goals = { jobsPerSecond: 20, startLatencyP50Ms: 250 };
const results: Figures[] = [];
const dir = await mkdtemp(join(tmpdir(), 'jobs-bench-'));
try {
  results.push(await measure('embedded', createEmbeddedJobQueue({ dir: join(dir, '.jobs') })));
  const redis = await startRedisServer();
  try {
    results.push(await measure('bullmq', createBullmqJobQueue({ connection: redis.url, prefix: 'bench' })));
  } finally {
    await redis.stop();
  }
} catch (error) {
  console.error(`Could not measure: ${(error as Error).message}`);
  process.exit(1);
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `${jobCount} no-op jobs over ${models} models, concurrency ${concurrency} (jobs added one by one while the worker runs)`,
);
for (const figures of results) {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log(
    `${figures.queue.padEnd(9)} ${String(figures.jobsPerSecond).padStart(7)} jobs/s (goal >= ${goals.jobsPerSecond}: ` +
      `${verdict(figures.jobsPerSecond >= goals.jobsPerSecond)}), add->start p50 ${figures.startLatencyP50Ms} ms ` +
      `(goal <= ${goals.startLatencyP50Ms}: ${verdict(figures.startLatencyP50Ms <= goals.startLatencyP50Ms)}), p99 ${figures.startLatencyP99Ms} ms`,
  );
}
const resultsDir = join(import.meta.dirname, 'results');
await mkdir(resultsDir, { recursive: true });
await writeFile(
  join(resultsDir, 'jobs.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, jobCount, models, concurrency, goals, results }, null, 2)}\n`,
);
