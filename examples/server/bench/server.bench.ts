/**
 * Server bench. (1) HTTP load: autocannon with 50 connections for 30 s (BENCH_SERVER_SECONDS) on `GET /v1/models` and
 * `GET /v1/jobs/:id` against `studio-server start` (from dist, its own process): requests/s, p50/p99 latency, errors
 * (goals: zero errors, p99 <= 50 ms). (2) A 1,000-unit run (BENCH_SERVER_UNITS) as a job through the API against the
 * MaxStudio sandbox (its own process; 100 ms on every API call and 100 ms per job), compared with the same run through
 * the library (`studio.plan` + `studio.run` with the same wiring, in a process of its own: bench/library-run.mjs):
 * goal within 5%. Prints each figure
 * with its goal (pass or MISS) and writes bench/results/server.json. BENCH_ONLY=run skips the HTTP load and keeps
 * the HTTP figures of the last results (with the date and load they were measured at). Each part records the load
 * average when it started: other work on the machine slows both runs, rarely by the same amount.
 * Run: pnpm --filter @model-studio/server bench
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { listening, prepareWorkspace, startSandboxProcess, startServerProcess } from '../test/server-processes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.BENCH_SERVER_SECONDS ?? 30);
const units = Number(process.env.BENCH_SERVER_UNITS ?? 1000);
const connections = 50;
const concurrency = 16;
const only = process.env.BENCH_ONLY;
const resultsFile = path.join(here, 'results', 'server.json');

const mark = (pass: boolean) => (pass ? 'pass' : 'MISS');

async function load(url: string, key: string, route: string) {
  const result = await autocannon({
    url: `${url}${route}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${key}` },
  });
  const figures = {
    route: `GET ${route.replace(/\/jobs\/[^/]+$/, '/jobs/:id')}`,
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  const errorsPass = figures.errors === 0 && figures.non2xx === 0;
  const p99Pass = figures.p99Ms <= 50;
  console.log(
    `${figures.route}: ${figures.requestsPerSecond} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (goal <= 50: ${mark(p99Pass)}), ` +
      `errors ${figures.errors}, non-2xx ${figures.non2xx} (goal 0: ${mark(errorsPass)})`,
  );
  return { ...figures, goals: { zeroErrors: errorsPass, p99: p99Pass } };
}

async function api(url: string, key: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>;
}

async function jobToEnd(url: string, key: string, model: string) {
  const started = await api(url, key, 'POST', `/v1/models/${model}/runs`, {});
  for (;;) {
    const job = await api(url, key, 'GET', `/v1/jobs/${started.id}`);
    if (['completed', 'failed', 'stopped', 'cancelled'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const root = await mkdtemp(path.join(os.tmpdir(), 'studio-server-bench-'));
const sandbox = await startSandboxProcess({
  credits: 1_000_000_000,
  jobDurations: { swap: { pendingMs: 0, runningMs: 100 }, enhance: { pendingMs: 0, runningMs: 100 } },
  faults: { seed: 1, latency: { minMs: 100, maxMs: 100 }, rules: [] },
});
let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
try {
  const { key } = await prepareWorkspace(root, 'warm-api', 2);
  await prepareWorkspace(root, 'warm-lib', 2);
  // A second warm-up for the server process the run starts in (see below).
  await prepareWorkspace(root, 'warm-run', 2);
  await prepareWorkspace(root, 'bench-api', units);
  await prepareWorkspace(root, 'bench-lib', units);
  const env = {
    STUDIO_WORKSPACE: root,
    MAXSTUDIO_BASE_URL: sandbox.url,
    STUDIO_CONCURRENCY: String(concurrency),
    // The bench measures the server, not the per-key limiter's refusals.
    STUDIO_RATE_LIMIT_MAX: '1000000000',
    LOG_LEVEL: 'warn',
  };
  server = await startServerProcess(['start'], { ...env, PORT: '0' }, listening);
  const url = server.ready;
  // Warms the server's face models and gives a job to read.
  const warm = await jobToEnd(url, key, 'warm-api');
  if (warm.state !== 'completed') throw new Error(`warm-up job ${warm.state}: ${JSON.stringify(warm.error)}`);

  let http: Record<string, unknown>;
  if (only === 'run') {
    const previous = JSON.parse(await readFile(resultsFile, 'utf8'));
    http = { measuredAt: previous.date, loadavg: previous.machine?.loadavg, ...previous.http };
    console.log(`HTTP load: skipped (BENCH_ONLY=run); kept the figures of ${http.measuredAt}`);
  } else {
    const loadavg = os.loadavg();
    console.log(`HTTP load: ${connections} connections for ${seconds} s each (server from dist, its own process)`);
    const models = await load(url, key, '/v1/models');
    const job = await load(url, key, `/v1/jobs/${warm.id}`);
    http = { connections, seconds, loadavgAtStart: loadavg, routes: [models, job] };
  }

  if (only !== 'run') {
    // The run starts in a fresh server process, as the library's run starts in a fresh studio: the HTTP load above
    // leaves the server's heap grown by 200,000 requests, which would be measured as the API's overhead.
    server.child.kill('SIGTERM');
    await server.exited();
    server = await startServerProcess(['start'], { ...env, PORT: '0' }, listening);
    const warmed = await jobToEnd(server.ready, key, 'warm-run');
    if (warmed.state !== 'completed') throw new Error(`warm-up job ${warmed.state}: ${JSON.stringify(warmed.error)}`);
  }
  const runUrl = server.ready;
  console.log(`Run: ${units} units, sandbox at 100 ms per API call and per job, ${concurrency} units in flight`);
  const apiLoadavg = os.loadavg();
  const apiJob = await jobToEnd(runUrl, key, 'bench-api');
  if (apiJob.state !== 'completed') throw new Error(`API run ${apiJob.state}: ${JSON.stringify(apiJob.error)}`);
  const apiMs = Date.parse(apiJob.endedAt) - Date.parse(apiJob.createdAt);
  server.child.kill('SIGTERM');
  await server.exited();
  server = undefined;

  const libraryLoadavg = os.loadavg();
  // In a process of its own (plain node, the server's build), as the API's run is in the server's: this process
  // has run autocannon's load and tsx, which would be measured with the library's run.
  const library = JSON.parse(
    execFileSync(process.execPath, [path.join(here, 'library-run.mjs')], {
      env: { ...process.env, ...env, PORT: '0', BENCH_LIBRARY_MODELS: 'warm-lib,bench-lib' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    })
      .trim()
      .split('\n')
      .at(-1)!,
  ) as { libraryMs: number; summary: Record<string, unknown> };
  const libraryMs = library.libraryMs;
  const librarySummary = library.summary;
  const ratio = apiMs / libraryMs;
  const runPass = ratio <= 1.05;
  console.log(
    `API job: ${(apiMs / 1000).toFixed(1)} s (queued to ended; ${apiJob.result.succeeded} units succeeded, outcome ${apiJob.result.outcome})`,
  );
  console.log(
    `library: ${(libraryMs / 1000).toFixed(1)} s (plan + run; ${librarySummary.succeeded} succeeded, outcome ${librarySummary.outcome})`,
  );
  console.log(`API / library: ${ratio.toFixed(3)} (goal <= 1.05: ${mark(runPass)})`);

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    sandbox: 'MaxStudio sandbox (its own process): 100 ms on every API call, 100 ms per swap and enhance job',
    http,
    run: {
      units,
      concurrency,
      loadavgAtStart: { api: apiLoadavg, library: libraryLoadavg },
      apiMs,
      libraryMs: Math.round(libraryMs),
      ratio: Number(ratio.toFixed(4)),
      api: { outcome: apiJob.result.outcome, succeeded: apiJob.result.succeeded, failed: apiJob.result.failed.length },
      library: librarySummary,
      goals: { withinFivePercent: runPass },
    },
  };
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log('wrote bench/results/server.json');
} finally {
  if (server) server.child.kill('SIGKILL');
  await sandbox.stop();
  await rm(root, { recursive: true, force: true });
}
