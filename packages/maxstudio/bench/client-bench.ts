/**
 * Client benchmark against the sandbox running in its own process (so only the client's costs are measured here):
 * 1. overhead per call at zero latency: calls/s and CPU ms per call for job polls, beside plain fetch of the same URL;
 * 2. peak RSS while 1,000 submitted jobs are polled concurrently.
 * Prints the figures and writes bench/results/client.json. Run: pnpm --filter @model-studio/maxstudio bench
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import ky from 'ky';
import { createMaxStudio } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const apiKey = 'sandbox-key';
const callCount = 3000;
const concurrency = 8;
const jobCount = 1000;

async function startSandbox(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin/maxstudio-sandbox.ts', '--port', '0', '--job-ms', '3000', '--credits', '100000'],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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

async function runConcurrently(
  count: number,
  workers: number,
  call: () => Promise<unknown>,
): Promise<{ seconds: number; cpuMs: number }> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        next++;
        await call();
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
    await runConcurrently(300, concurrency, () => plainKy.get(`image-enhancer/${job.id}`).json());
    const viaClient = await runConcurrently(callCount, concurrency, () => client.getEnhanceJob(job.id));
    const viaKy = await runConcurrently(callCount, concurrency, () => plainKy.get(`image-enhancer/${job.id}`).json());
    const viaFetch = await runConcurrently(callCount, concurrency, () =>
      fetch(`${sandbox.url}/image-enhancer/${job.id}`, { headers: { 'x-api-key': apiKey } }).then((r) => r.json()),
    );

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

    const figures = {
      machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model },
      date: new Date().toISOString(),
      overhead: {
        calls: callCount,
        concurrency,
        client: {
          callsPerSecond: Math.round(callCount / viaClient.seconds),
          cpuMsPerCall: +(viaClient.cpuMs / callCount).toFixed(4),
        },
        plainKy: {
          callsPerSecond: Math.round(callCount / viaKy.seconds),
          cpuMsPerCall: +(viaKy.cpuMs / callCount).toFixed(4),
        },
        plainFetch: {
          callsPerSecond: Math.round(callCount / viaFetch.seconds),
          cpuMsPerCall: +(viaFetch.cpuMs / callCount).toFixed(4),
        },
        clientExtraCpuMsPerCallOverFetch: +((viaClient.cpuMs - viaFetch.cpuMs) / callCount).toFixed(4),
        clientExtraCpuMsPerCallOverKy: +((viaClient.cpuMs - viaKy.cpuMs) / callCount).toFixed(4),
      },
      concurrentJobs: {
        jobs: jobCount,
        seconds: +jobsSeconds.toFixed(2),
        statusChanges: polls,
        rssBeforeMiB: +(rssBefore / 1048576).toFixed(1),
        peakRssMiB: +(peakRss / 1048576).toFixed(1),
        peakRssGrowthMiB: +((peakRss - rssBefore) / 1048576).toFixed(1),
      },
    };
    console.log('MaxStudio client benchmark (sandbox in its own process, zero added latency)');
    console.log(
      `  client polls:  ${figures.overhead.client.callsPerSecond} calls/s, ${figures.overhead.client.cpuMsPerCall} CPU ms/call`,
    );
    console.log(
      `  plain ky:      ${figures.overhead.plainKy.callsPerSecond} calls/s, ${figures.overhead.plainKy.cpuMsPerCall} CPU ms/call`,
    );
    console.log(
      `  plain fetch:   ${figures.overhead.plainFetch.callsPerSecond} calls/s, ${figures.overhead.plainFetch.cpuMsPerCall} CPU ms/call`,
    );
    console.log(
      `  client extra:  ${figures.overhead.clientExtraCpuMsPerCallOverKy} CPU ms/call over ky, ${figures.overhead.clientExtraCpuMsPerCallOverFetch} over fetch`,
    );
    console.log(
      `  ${jobCount} jobs submitted and polled concurrently in ${figures.concurrentJobs.seconds} s: peak RSS ${figures.concurrentJobs.peakRssMiB} MiB (+${figures.concurrentJobs.peakRssGrowthMiB} MiB)`,
    );
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
