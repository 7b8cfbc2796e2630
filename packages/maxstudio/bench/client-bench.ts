/**
 * Client benchmark against the sandbox running in its own process (so only the client's costs are measured here):
 * 1. overhead per call at zero latency: calls/s and CPU ms per call for job polls, beside plain fetch of the same URL;
 * 2. peak RSS while 1,000 submitted jobs are polled concurrently.
 * Prints the figures and writes bench/results/client.json. Run: pnpm --filter @model-studio/maxstudio bench
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import ky from 'ky';
import { createMaxStudio } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const apiKey = 'sandbox-key';
const callCount = 3000;
const spacedCount = 800;
const concurrency = 8;
const jobCount = 1000;

async function startSandbox(): Promise<{ url: string; stop: () => void }> {
  // From the build when there is one (plain node, as users run it), so compiling TypeScript takes no CPU from the client.
  const bin = existsSync(`${packageDir}dist/bin/maxstudio-sandbox.js`)
    ? ['dist/bin/maxstudio-sandbox.js']
    : ['--import', 'tsx', 'src/bin/maxstudio-sandbox.ts'];
  const child = spawn(process.execPath, [...bin, '--port', '0', '--job-ms', '3000', '--credits', '100000'], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Runs `count` calls on `workers` workers; with `pauseMs`, each worker pauses between calls (a mostly idle client). */
async function runConcurrently(
  count: number,
  workers: number,
  call: () => Promise<unknown>,
  pauseMs = 0,
): Promise<{ seconds: number; cpuMs: number }> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        next++;
        await call();
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// A 32x32 grey JPEG (hand-made with sharp once; the bench process must not load sharp).
const tinyJpeg = Buffer.from(
  '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAgACADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AKwAAAAAAAf/2Q==',
  'base64',
);

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  try {
    const client = createMaxStudio({
      baseURL: sandbox.url,
      apiKey,
      maxConcurrency: concurrency,
      pollInterval: 250,
      maxPollInterval: 1000,
    });
    const job = await client.submitEnhance({ image: tinyJpeg });
    await client.waitForJob(job);
    // Warm up both paths.
    await runConcurrently(300, concurrency, () => client.getEnhanceJob(job.id));
    await runConcurrently(300, concurrency, () =>
      fetch(`${sandbox.url}/image-enhancer/${job.id}`, { headers: { 'x-api-key': apiKey } }).then((r) => r.json()),
    );

    const plainKy = ky.create({ prefixUrl: sandbox.url, retry: 0, timeout: false, headers: { 'x-api-key': apiKey } });
    const variants: Record<string, () => Promise<unknown>> = {
      'client (ky on the built-in fetch)': () => client.getEnhanceJob(job.id),
      'plain ky on the built-in fetch': () => plainKy.get(`image-enhancer/${job.id}`).json(),
      'built-in fetch alone': () =>
        fetch(`${sandbox.url}/image-enhancer/${job.id}`, { headers: { 'x-api-key': apiKey } }).then((r) => r.json()),
    };
    // Hot: back-to-back calls. Spaced: 20 ms pause between a worker's calls, as a pipeline waiting on jobs is;
    // per-call costs are higher there (cold caches, a wakeup per event) and that is where the fetches differ most.
    const overhead: Record<string, { hotCpuMsPerCall: number; callsPerSecond: number; spacedCpuMsPerCall: number }> =
      {};
    for (const [name, call] of Object.entries(variants)) {
      await runConcurrently(300, concurrency, call);
      const hot = await runConcurrently(callCount, concurrency, call);
      const spaced = await runConcurrently(spacedCount, concurrency, call, 20);
      overhead[name] = {
        hotCpuMsPerCall: +(hot.cpuMs / callCount).toFixed(4),
        callsPerSecond: Math.round(callCount / hot.seconds),
        spacedCpuMsPerCall: +(spaced.cpuMs / spacedCount).toFixed(4),
      };
    }

    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const jobsStarted = performance.now();
    const jobs = await Promise.all(Array.from({ length: jobCount }, () => client.submitEnhance({ image: tinyJpeg })));
    let polls = 0;
    const results = await Promise.all(
      jobs.map((submitted) => client.waitForJob(submitted, { timeout: 120_000, onStatus: () => polls++ })),
    );
    const jobsSeconds = (performance.now() - jobsStarted) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (results.length !== jobCount) throw new Error('not every job finished');

    // Goals: the client's own layer (limiter, retry budget, error mapping, redirect handling, capped body read) costs
    // at most half again what plain ky costs per call, and 1,000 jobs in flight stay within 64 MiB of growth.
    const clientHot = overhead['client (ky on the built-in fetch)']!.hotCpuMsPerCall;
    const kyHot = overhead['plain ky on the built-in fetch']!.hotCpuMsPerCall;
    const rssGrowthMiB = (peakRss - rssBefore) / 1048576;
    const goals = [
      {
        goal: 'client CPU per call <= 1.5x plain ky (hot)',
        value: +(clientHot / kyHot).toFixed(2),
        pass: clientHot <= 1.5 * kyHot,
      },
      {
        goal: 'peak RSS growth, 1,000 jobs polled <= 64 MiB',
        value: +rssGrowthMiB.toFixed(1),
        pass: rssGrowthMiB <= 64,
      },
    ];
    const figures = {
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model },
      date: new Date().toISOString(),
      overhead: { calls: callCount, spacedCalls: spacedCount, concurrency, variants: overhead },
      concurrentJobs: {
        jobs: jobCount,
        seconds: +jobsSeconds.toFixed(2),
        statusChanges: polls,
        rssBeforeMiB: +(rssBefore / 1048576).toFixed(1),
        peakRssMiB: +(peakRss / 1048576).toFixed(1),
        peakRssGrowthMiB: +((peakRss - rssBefore) / 1048576).toFixed(1),
      },
      goals,
    };
    console.log(
      'MaxStudio client benchmark (sandbox in its own process, zero added latency; spaced: 20 ms between calls)',
    );
    console.table(overhead);
    console.log(
      `  ${jobCount} jobs submitted and polled concurrently in ${figures.concurrentJobs.seconds} s: peak RSS ${figures.concurrentJobs.peakRssMiB} MiB (+${figures.concurrentJobs.peakRssGrowthMiB} MiB)`,
    );
    for (const { goal, value, pass } of goals) console.log(`  ${pass ? 'pass' : 'MISS'}  ${goal}: ${value}`);
    const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(`${resultsDir}client.json`, `${JSON.stringify(figures, null, 2)}\n`);
    console.log('  written to bench/results/client.json');
  } finally {
    sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
