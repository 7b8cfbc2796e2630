/**
 * LocalStorage cost per call: CPU µs (process-wide, all threads, from `process.cpuUsage`) and file-system operations
 * (libuv thread-pool requests, counted with an async hook) per `put`, `get`, `head` and signed-URL GET of a 30 KB
 * file. Each kind runs 2,000 calls from 8 concurrent callers that pause 5 ms after each call, like a mostly idle
 * pipeline, 3 times (the median is reported); the CPU of an idle run (pauses only) is subtracted to give the net
 * figure.
 *
 * Run: `node --import tsx bench/local-storage-ops.bench.ts` in packages/core (part of `pnpm bench`). Writes
 * bench/results/local-storage-ops.json; with `BENCH_LABEL=<name>` the figures are kept under that name beside
 * earlier labelled runs (e.g. `before` and `after` a change). `BENCH_STORAGE_MODULE=<path of a storage/index.ts>`
 * measures another copy of the code, such as an older commit's (`git archive <commit> packages/core/src | tar -x`).
 * `BENCH_DIR=/dev/shm` runs on tmpfs, where no disk work hides the cost of the calls themselves.
 *
 * On a disk, `put` CPU includes the file system's own work for each new file: on ext4 without a journal (as on the
 * benchmark VM) creating a file scans past every inode deleted in the last seconds to minutes, so the figure swings
 * with what was deleted on that disk lately (such as the previous run's clean-up).
 */
import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage as CurrentLocalStorage } from '../src/storage/index.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONCURRENCY = 8;
const PAUSE_MS = 5;
const FILE_BYTES = 30 * 1024;
const COUNTED_CALLS = 200;
/** CPU runs per kind; the median is reported. */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

const resultsFile = fileURLToPath(new URL('./results/local-storage-ops.json', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Async resource types of thread-pool file-system requests: promise and callback APIs, and FileHandle closes. */
const fsRequestTypes = new Set(['FSREQPROMISE', 'FSREQCALLBACK', 'FILEHANDLECLOSEREQ']);
let fsOps = 0;
const hook = createHook({
  init(_id, type) {
    if (fsRequestTypes.has(type)) fsOps++;
  },
});

/** Runs `op(i)` for i in [0, CALLS) from CONCURRENCY callers, each pausing PAUSE_MS after a call; CPU µs in all. */
async function cpuOf(op: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) {
        await op(next++);
        await sleep(PAUSE_MS);
      }
    }),
  );
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** File-system requests per call, calls made one at a time (steady state: after the CPU run warmed caches). */
async function fsOpsOf(op: (index: number) => Promise<unknown>): Promise<number> {
  fsOps = 0;
  hook.enable();
  try {
    for (let index = 0; index < COUNTED_CALLS; index++) await op(index);
  } finally {
    hook.disable();
  }
  return fsOps / COUNTED_CALLS;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (data: Buffer) => {
        bytes += data.byteLength;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const LocalStorage: typeof CurrentLocalStorage = process.env.BENCH_STORAGE_MODULE
  ? (await import(process.env.BENCH_STORAGE_MODULE)).LocalStorage
  : CurrentLocalStorage;

const benchDir = process.env.BENCH_DIR ?? tmpdir();
const root = await mkdtemp(join(benchDir, 'local-storage-ops-bench-'));
const storage = new LocalStorage({ root, signedUrls: {} });
try {
  const body = new Uint8Array(randomBytes(FILE_BYTES));
  const keyOf = (index: number) => `models/bench/results/sfw/img-${String(index).padStart(5, '0')}.jpg`;
  const read = async (index: number) => {
    const bytes = await new Response(await storage.get(keyOf(index))).arrayBuffer();
    if (bytes.byteLength !== FILE_BYTES) throw new Error('short read');
  };
  await storage.put(keyOf(0), body); // Creates the root and directories before measuring.
  let putCount = 1;
  const urls: string[] = [];
  for (let index = 0; index < CALLS; index++) urls.push(await storage.signedUrl!(keyOf(index), { method: 'GET' }));

  const kinds: [string, (index: number) => Promise<unknown>][] = [
    ['idle', async () => {}],
    // New keys every run (no file replaced, so no inode freed: see above).
    ['put', () => storage.put(keyOf(putCount++), body)],
    ['get', read],
    [
      'head',
      async (index) => {
        if ((await storage.head(keyOf(index)))?.size !== FILE_BYTES) throw new Error('head');
      },
    ],
    [
      'signed-url GET',
      async (index) => {
        if ((await httpGet(urls[index]!)) !== FILE_BYTES) throw new Error('short body');
      },
    ],
  ];
  const results: Record<string, { cpuUsPerCall: number; netCpuUsPerCall: number; fsOpsPerCall: number }> = {};
  let idleUs = 0;
  console.log(
    `${CALLS} calls per kind (median of ${REPEATS} runs), ${CONCURRENCY} callers, ${PAUSE_MS} ms pause, ${FILE_BYTES / 1024} KB files in ${benchDir}`,
  );
  console.log(
    `${'kind'.padEnd(16)} ${'CPU µs/call'.padStart(12)} ${'net of idle'.padStart(12)} ${'fs ops/call'.padStart(12)}`,
  );
  for (const [name, op] of kinds) {
    const runs: number[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) runs.push((await cpuOf(op)) / CALLS);
    const cpuUs = median(runs);
    if (name === 'idle') idleUs = cpuUs;
    const fsOpsPerCall = await fsOpsOf(op);
    results[name] = { cpuUsPerCall: round(cpuUs), netCpuUsPerCall: round(cpuUs - idleUs), fsOpsPerCall };
    console.log(
      `${name.padEnd(16)} ${String(round(cpuUs)).padStart(12)} ${String(round(cpuUs - idleUs)).padStart(12)} ${String(fsOpsPerCall).padStart(12)}`,
    );
  }

  const label = process.env.BENCH_LABEL ?? 'latest';
  const previous = await readFile(resultsFile, 'utf8')
    .then((text) => JSON.parse(text) as { runs?: Record<string, unknown> })
    .catch(() => ({ runs: {} }));
  const run = { date: new Date().toISOString(), dir: benchDir, results };
  await mkdir(join(resultsFile, '..'), { recursive: true });
  await writeFile(
    resultsFile,
    `${JSON.stringify(
      {
        benchmark: 'local-storage-ops',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        setup: {
          calls: CALLS,
          concurrency: CONCURRENCY,
          pauseMs: PAUSE_MS,
          fileBytes: FILE_BYTES,
          repeats: REPEATS,
        },
        runs: { ...previous.runs, [label]: run },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  agent.destroy();
  await storage.close();
  await rm(root, { recursive: true, force: true });
}
