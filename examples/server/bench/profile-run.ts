/**
 * Where a run through the API spends its time, next to the same run through the library (a tool for the bench's run
 * part, not a bench: it asserts nothing and writes nothing under results/). Both runs use the bench's sandbox (its own
 * process, 100 ms per call and per job) and wiring. The server process runs with the loop probe
 * (bench/loop-probe.mjs: event-loop delay, utilisation, fsync count and time), and `--cpu-prof` with PROFILE_CPU=1
 * (slow: the face models' first load crawls under the profiler); the library run is in this process,
 * probed the same way when this script is started with it. Prints the job's timeline (queued, started, run-start,
 * last unit-end, run-end, ended), the event log's size and the probes' figures.
 *
 * Run: node --import tsx --import ./bench/loop-probe.mjs bench/profile-run.ts
 * (PROFILE_UNITS, default 300; PROFILE_DIR, where the server's profile goes, default a temporary folder).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadServerConfig } from '../src/server-config.js';
import { createServerContext } from '../src/start-server.js';
import { listening, prepareWorkspace, startSandboxProcess } from '../test/server-processes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const units = Number(process.env.PROFILE_UNITS ?? 300);
const profileDir = process.env.PROFILE_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'studio-profile-')));
const probe = pathToFileURL(path.join(here, 'loop-probe.mjs')).href;

async function api(url: string, key: string, method: string, route: string) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(method === 'POST' && { 'content-type': 'application/json' }) },
    ...(method === 'POST' && { body: '{}' }),
  });
  return (await response.json()) as Record<string, any>;
}

async function jobToEnd(url: string, key: string, model: string) {
  const started = await api(url, key, 'POST', `/v1/models/${model}/runs`);
  if (typeof started.id !== 'string') throw new Error(`POST runs: ${JSON.stringify(started)}`);
  for (;;) {
    const job = await api(url, key, 'GET', `/v1/jobs/${started.id}`);
    if (['completed', 'failed', 'stopped', 'cancelled'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const root = await mkdtemp(path.join(os.tmpdir(), 'studio-profile-ws-'));
const sandbox = await startSandboxProcess({
  credits: 1_000_000_000,
  jobDurations: { swap: { pendingMs: 0, runningMs: 100 }, enhance: { pendingMs: 0, runningMs: 100 } },
  faults: { seed: 1, latency: { minMs: 100, maxMs: 100 }, rules: [] },
});
try {
  const { key } = await prepareWorkspace(root, 'warm-api', 2);
  await prepareWorkspace(root, 'warm-lib', 2);
  await prepareWorkspace(root, 'prof-api', units);
  await prepareWorkspace(root, 'prof-lib', units);
  const env = {
    STUDIO_WORKSPACE: root,
    MAXSTUDIO_BASE_URL: sandbox.url,
    STUDIO_CONCURRENCY: '16',
    STUDIO_RATE_LIMIT_MAX: '1000000000',
    LOG_LEVEL: 'warn',
  };
  const cpuProfile =
    process.env.PROFILE_CPU === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, 'api')}`] : [];
  const nodeArgs = [...cpuProfile, '--import', probe];
  const child = spawn(process.execPath, [...nodeArgs, path.join(here, '..', 'dist', 'bin.js'), 'start'], {
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (;;) {
    if (listening.test(output)) break;
    if (child.exitCode !== null) throw new Error(`studio-server exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = listening.exec(output)?.[1] as string;
  await jobToEnd(url, key, 'warm-api');
  child.kill('SIGUSR2');
  const job = await jobToEnd(url, key, 'prof-api');
  child.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.kill('SIGTERM');
  await exited;
  const probes = output.split('\n').filter((line) => line.startsWith('LOOP-PROBE'));
  const events = (await readFile(path.join(root, '.jobs', 'events', `${job.id}.jsonl`), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { seq: number; at: string; type: string });
  const at = (type: string, last = false) => {
    const found = last ? events.findLast((event) => event.type === type) : events.find((event) => event.type === type);
    return found ? Date.parse(found.at) : Number.NaN;
  };
  const t0 = Date.parse(job.createdAt);
  const lastUnitEnd = at('unit-end', true);
  console.log(`API run (${units} units, ${job.state}), ms after queued:`);
  console.log(
    JSON.stringify({
      started: Date.parse(job.startedAt) - t0,
      runStart: at('run-start') - t0,
      lastUnitEnd: lastUnitEnd - t0,
      runEnd: at('run-end') - t0,
      ended: Date.parse(job.endedAt) - t0,
      events: events.length,
    }),
  );
  console.log(`server probe (after warm-up, during the run):\n${probes[1] ?? probes.join('\n')}`);

  const opened = await createServerContext(loadServerConfig({ ...env, PORT: '0' }));
  try {
    for (const model of ['warm-lib', 'prof-lib']) {
      const studio = await opened.context.openStudio();
      try {
        process.kill(process.pid, 'SIGUSR2');
        const t = performance.now();
        const plan = await studio.studio.plan(model);
        const planned = performance.now() - t;
        const summary = await studio.studio.run(plan);
        const total = performance.now() - t;
        console.log(
          `library ${model}: plan ${planned.toFixed(0)} ms, plan + run ${total.toFixed(0)} ms (${summary.outcome})`,
        );
      } finally {
        await studio.close();
      }
    }
    process.kill(process.pid, 'SIGUSR2');
  } finally {
    await opened.close();
  }
  if (cpuProfile.length > 0) console.log(`server CPU profile in ${path.join(profileDir, 'api')}`);
} finally {
  await sandbox.stop();
  await rm(root, { recursive: true, force: true });
}
