// Orchestrator benchmark (issue: pipeline bars). The MaxStudio sandbox runs in its own process, answers every API
// request after 100 ms and completes jobs by the first poll; images are small. The orchestrator runs here with a
// pass-through face checker and image processor, so the CPU figures are the orchestration's own (journal, ledger,
// HTTP, storage), not image work. Prints a table and writes bench/results/pipeline.json.
// tsx only loads this file: @model-studio/* resolve to their built dist/ (run `pnpm build` first), as users run them.
// CPU is process-wide (all threads); on Linux it is also split into the main thread and the others (libuv's file
// system pool, V8's GC and compiler helpers). The workspaces live where a user's would: in a folder of the project
// (`.bench-workspaces/` here, as the CLI's default is `./studio-workspace`), or in a folder under BENCH_DIR. Not os.tmpdir(): test
// runs create and delete thousands of files there, and ext4 without a journal (as on this machine) skips inodes freed
// in the last one to six minutes when it creates a file in the same group, which cost up to ~0.9 ms of kernel CPU per
// new file in /tmp after a test run. The bench deletes its own workspaces when it ends, which would load the next
// run the same way, so on ext2/3/4 the workspaces folder gets the "top of directory hierarchy" attribute
// (`chattr +T`): each new workspace is then placed in a fresh inode group, as a user's first workspace would be,
// away from the files deleted before. Where /dev/shm exists the concurrent run is repeated there (BENCH_TMPFS=0
// skips it) to show what the disk costs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createStudio,
  type FaceChecker,
  type ImageProcessor,
  LocalStorage,
  openWorkspace,
  storageKeys,
} from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider } from '@model-studio/maxstudio';
import sharp from 'sharp';
import { runChaosStorm, type StormFigures } from '../test/helpers/chaos-storm.js';
import { collectLines, exited } from '../test/helpers/child-process.js';
import { sfwConsent } from '../test/helpers/pipeline-rig.js';
import { splitThreadCpu, threadCpu } from './thread-cpu.js';

const LATENCY_MS = 100;
const UNITS = Number(process.env.BENCH_UNITS ?? 1000);
// The sequential loop runs the same units (1,000: about 7 minutes at 100 ms per request); BENCH_SEQUENTIAL_UNITS
// shortens it.
const SEQUENTIAL_UNITS = Number(process.env.BENCH_SEQUENTIAL_UNITS ?? UNITS);
// Peak RSS is also measured with these unit counts (comma-separated; `0` skips), each in a fresh process.
const RSS_UNITS = (process.env.BENCH_RSS_UNITS ?? '10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
/** The goal for peak RSS, at 1,000 and at 10,000 units (MB). */
const RSS_GOAL_MB = 250;

/** Trusts every image: one face, the same identity (measures orchestration, not image work). */
const passThroughChecker: FaceChecker = {
  specificationVersion: 'v1',
  provider: 'bench-pass-through',
  faces: async () => [{ box: { x: 8, y: 8, width: 48, height: 48 }, confidence: 1 }],
  embeddings: async () => [{ box: { x: 8, y: 8, width: 48, height: 48 }, embedding: new Float32Array(4) }],
  distance: () => 0,
  quality: async () => ({ sharpness: 1, noise: 0, exposureMean: 0.5, clippedShare: 0, suitability: 1 }),
};
const passThroughProcessor: ImageProcessor = {
  specificationVersion: 'v1',
  provider: 'bench-pass-through',
  normalize: async (bytes) => ({ bytes, width: 64, height: 64 }),
  resize: async (bytes) => bytes,
  writeMetadata: async (bytes) => bytes,
};

/**
 * Starts the MaxStudio sandbox in its own process from its build (bench/sandbox-process.mjs under plain node, no tsx),
 * so its CPU is not added to the machine's load by compiling TypeScript; returns its URL and a stop function.
 */
async function startBenchSandbox(options: object): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./sandbox-process.mjs', import.meta.url))], {
    env: { ...process.env, SANDBOX_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectLines(child);
  const started = Date.now();
  while (!output.lines.some((line) => typeof line.url === 'string')) {
    if (child.exitCode !== null) throw new Error(`sandbox process exited: ${output.stderr()}`);
    if (Date.now() - started > 60_000) throw new Error(`sandbox process did not start: ${output.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: output.lines.find((line) => typeof line.url === 'string')!.url as string,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** CPU ms (user + system) a process has used so far, from /proc on Linux; undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Workspaces are removed only after every run: on ext4 without a journal (as on this machine), creating files soon
 * after many were deleted costs more (the allocator skips recently freed inodes), which would load the next run. */
const workspaces: string[] = [];

/** The file system type under `dir` (Linux magic numbers of the common ones). */
function fsName(dir: string): string {
  const names: Record<number, string> = { 61267: 'ext4', 16914836: 'tmpfs', 1481003842: 'xfs', 2435016766: 'btrfs' };
  const { type } = statfsSync(dir);
  return names[type] ?? `0x${type.toString(16)}`;
}

/** Where the disk runs' workspaces are made (see the top of this file). */
// A folder of the bench's own under BENCH_DIR: its attribute is changed (see spreadNewFolders), not the user's.
const workspacesDir = process.env.BENCH_DIR
  ? join(process.env.BENCH_DIR, 'model-studio-bench')
  : fileURLToPath(new URL('../.bench-workspaces', import.meta.url));

/**
 * Asks ext2/3/4 to spread the folders made in `dir` over fresh inode groups (`chattr +T`, see the top of this file).
 * Returns whether the attribute is set; elsewhere, or without chattr, it does nothing.
 */
function spreadNewFolders(dir: string): boolean {
  if (fsName(dir) !== 'ext4') return false;
  try {
    execFileSync('chattr', ['+T', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function runOnce(units: number, concurrency: number, dir = workspacesDir) {
  await mkdir(dir, { recursive: true });
  const spread = spreadNewFolders(dir);
  const sandbox = await startBenchSandbox({
    credits: 10_000_000,
    jobDurations: { swap: { pendingMs: 0, runningMs: 0 }, enhance: { pendingMs: 0, runningMs: 0 } },
    faults: { latency: { minMs: LATENCY_MS, maxMs: LATENCY_MS } },
  });
  const root = await mkdtemp(join(dir, 'studio-bench-'));
  workspaces.push(root);
  const storage = new LocalStorage({ root, signedUrls: {} });
  try {
    const workspace = await openWorkspace({ root, storage });
    const model = 'bench';
    await workspace.createModel(model, { thresholds: { minShortSide: 64 } });
    await workspace.setConsent(model, sfwConsent());
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#b08070' } })
      .jpeg()
      .toBuffer();
    await storage.put(storageKeys.source(model, 1), image);
    for (let n = 1; n <= units; n++) await storage.put(storageKeys.target(model, 'sfw', n), image);
    await workspace.recordTargets(
      model,
      'sfw',
      Array.from({ length: units }, (_, i) => ({
        n: i + 1,
        origin: 'generated',
        rightsStatement: 'generated test image',
      })),
    );

    const client = createMaxStudio({
      baseURL: sandbox.url,
      apiKey: 'sandbox-key',
      pollInterval: 1,
      maxPollInterval: 50,
      maxConcurrency: concurrency,
    });
    const { swapper, enhancer } = createMaxStudioProvider({ storage, client });
    const studio = createStudio({
      workspace,
      swapper,
      enhancer,
      faceChecker: passThroughChecker,
      imageProcessor: passThroughProcessor,
      concurrency,
    });
    // Time to the first paid submission: from planning (what a user's `studio run` does first) to the first
    // reservation, which is written right before the first request is sent.
    const planned = performance.now();
    const plan = await studio.plan(model, { ratings: ['sfw'] });
    let firstSubmissionMs: number | undefined;
    const threadsBefore = threadCpu();
    const sandboxCpuBefore = processCpuMs(sandbox.pid);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    // CPU is also read when the first fifth of the units has ended, to show the steady state without warm-up
    // (JIT compilation, first connections, first directories).
    const warmUnits = Math.floor(units / 5);
    let ended = 0;
    let warm: { cpu: NodeJS.CpuUsage; at: number; threads: ReturnType<typeof threadCpu> } | undefined;
    const summary = await studio.run(plan, {
      onEvent: (event) => {
        if (firstSubmissionMs === undefined && event.type === 'cost-recorded' && event.kind === 'reserved') {
          firstSubmissionMs = Math.round(performance.now() - planned);
        }
        if (event.type === 'unit-end' && ++ended === warmUnits)
          warm = { cpu: process.cpuUsage(), at: performance.now(), threads: threadCpu() };
      },
    });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const sandboxCpuAfter = processCpuMs(sandbox.pid);
    const steady = warm && process.cpuUsage(warm.cpu);
    const threadsAfter = threadCpu();
    const threads = splitThreadCpu(threadsBefore, threadsAfter);
    const steadyThreads = warm && splitThreadCpu(warm.threads, threadsAfter);
    await studio.close();
    const { requests } = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
      requests: { route: string }[];
    };
    const apiRequests = requests.filter((r) => r.route !== 'result' && r.route !== 'other').length;
    const idealMs = (apiRequests * LATENCY_MS) / concurrency;
    return {
      workspace: {
        dir: dir === workspacesDir && !process.env.BENCH_DIR ? '.bench-workspaces' : dir,
        fs: fsName(dir),
        spread,
      },
      units,
      concurrency,
      succeeded: summary.succeeded,
      firstSubmissionMs: firstSubmissionMs ?? null,
      apiRequests,
      wallMs: Math.round(wallMs),
      idealMs: Math.round(idealMs),
      ratioToIdeal: Number((wallMs / idealMs).toFixed(3)),
      cpuMsPerUnit: Number(((cpu.user + cpu.system) / 1000 / units).toFixed(2)),
      userCpuMsPerUnit: Number((cpu.user / 1000 / units).toFixed(2)),
      systemCpuMsPerUnit: Number((cpu.system / 1000 / units).toFixed(2)),
      ...(threads && {
        mainThreadCpuMsPerUnit: Number((threads.mainUs / 1000 / units).toFixed(2)),
        otherThreadsCpuMsPerUnit: Number((threads.otherUs / 1000 / units).toFixed(2)),
      }),
      msPerUnit: Number((wallMs / units).toFixed(1)),
      // The sandbox's own process (not part of the SDK): its share of one core during the run.
      ...(sandboxCpuBefore !== undefined &&
        sandboxCpuAfter !== undefined && {
          sandboxCpuShare: Number(((sandboxCpuAfter - sandboxCpuBefore) / wallMs).toFixed(3)),
        }),
      steadyCpuMsPerUnit: steady
        ? Number(((steady.user + steady.system) / 1000 / (units - warmUnits)).toFixed(2))
        : null,
      ...(steadyThreads && {
        steadyThreadsCpuMsPerUnit: Object.fromEntries(
          Object.entries(steadyThreads).map(([name, us]) => [
            name.replace(/Us$/, ''),
            Number((us / 1000 / (units - warmUnits)).toFixed(2)),
          ]),
        ),
      }),
    };
  } finally {
    await storage.close();
    await sandbox.stop();
  }
}

function cliColdStartMs(): { medianMs: number; runs: number[] } {
  const bin = fileURLToPath(new URL('../../../examples/cli/dist/bin.js', import.meta.url));
  const runs: number[] = [];
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    execFileSync(process.execPath, [bin, '--help'], { stdio: 'ignore' });
    runs.push(Math.round(performance.now() - started));
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)]!, runs };
}

if (process.env.BENCH_CHILD_DIR) {
  // The tmpfs run and the peak RSS runs below, in a fresh process so that each warms up (JIT compilation) like the
  // first run and its peak RSS is its own.
  const units = Number(process.env.BENCH_CHILD_UNITS ?? UNITS);
  const run = await runOnce(units, 8, process.env.BENCH_CHILD_DIR);
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  for (const root of workspaces) await rm(root, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ ...run, peakRssMb })}\n`);
  process.exit(0);
}

/** {@link runOnce} in a child process of this script with the workspace under `dir`, with its peak RSS. */
function runInChild(dir: string, units = UNITS): Awaited<ReturnType<typeof runOnce>> & { peakRssMb: number } {
  const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_CHILD_DIR: dir, BENCH_CHILD_UNITS: String(units) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof runOnce>> & { peakRssMb: number };
}

/**
 * The storm of test/chaos-settle.test.ts (test/helpers/chaos-storm.ts): a run under faults (paid POSTs dropped before
 * and after acceptance, 429s, 5xx, broken poll bodies) killed with SIGKILL at seeded moments and resumed, then settled
 * from the sandbox's bill through the CLI. Its figures: kills, uncertain operations, and after settling, operations
 * paid twice and ledger minus sandbox billing (goals 0). Real image work (the quality checker), since it measures money,
 * not speed; after the timed runs, so its files do not load them. BENCH_STORM=0 skips it; BENCH_STORM=only runs only
 * it (printed, nothing written); BENCH_STORM_SEED changes its seed.
 */
async function stormFigures(): Promise<{ figures: StormFigures; summary: string } | { error: string }> {
  const seed = Number(process.env.BENCH_STORM_SEED ?? 20261126);
  try {
    const storm = await runChaosStorm({ seed, units: 100, kills: 6, log: (line) => console.log(`storm: ${line}`) });
    await storm.cleanup();
    return { figures: storm.figures, summary: storm.summary };
  } catch (error) {
    return { error: `the storm failed (seed ${seed}): ${(error as Error).message}` };
  }
}

/** The storm's goals, for `results.goals`. */
function stormGoals(storm: Awaited<ReturnType<typeof stormFigures>> | undefined) {
  if (!storm) return {};
  const figures = 'figures' in storm ? storm.figures : undefined;
  const goal = (value: number | undefined) => ({ goal: '0', value: value ?? null, met: value === 0 });
  return { stormPaidTwice: goal(figures?.paidTwice), stormLedgerMinusBilling: goal(figures?.ledgerMinusBilling) };
}

if (process.env.BENCH_STORM === 'only') {
  const storm = await stormFigures();
  console.log('summary' in storm ? storm.summary : storm.error);
  for (const [name, goal] of Object.entries(stormGoals(storm)))
    console.log(`${goal.met ? 'pass' : 'MISS'} ${name}: ${goal.value} (goal ${goal.goal})`);
  process.exit('figures' in storm ? 0 : 1);
}

const concurrent = await runOnce(UNITS, 8);
// The kernel's peak resident set size of this process so far (setup included): exact, and no sampling timer adds
// wake-ups to the CPU figures.
const concurrentPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const sequential = await runOnce(SEQUENTIAL_UNITS, 1);
// The same concurrent run with the workspace in memory (tmpfs), where present: the difference from the first run is
// what the disk costs the kernel (inode allocation, block I/O for the fsynced writes), not the orchestrator.
for (const root of workspaces) await rm(root, { recursive: true, force: true });
const onTmpfs = process.env.BENCH_TMPFS !== '0' && existsSync('/dev/shm') ? runInChild('/dev/shm') : undefined;
// Peak RSS at larger unit counts, each concurrent run (on disk, as the first) in a fresh process: the run must hold
// per-unit state only for the units in flight, so the peak should not grow with the number of units.
const rssRuns = RSS_UNITS.map((units) => {
  const run = runInChild(workspacesDir, units);
  console.log(`peak RSS with ${units} units (fresh process): ${run.peakRssMb} MB, ${run.wallMs} ms`);
  return run;
});
let coldStart: ReturnType<typeof cliColdStartMs> | { error: string };
try {
  coldStart = cliColdStartMs();
} catch (error) {
  coldStart = { error: `studio --help failed (build the CLI first): ${(error as Error).message}` };
}
const storm = process.env.BENCH_STORM === '0' ? undefined : await stormFigures();

const speedup = Number((sequential.msPerUnit / concurrent.msPerUnit).toFixed(2));
const results = {
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).availableParallelism(), node: process.version },
  latencyMs: LATENCY_MS,
  concurrent,
  sequential,
  ...(onTmpfs && { concurrentOnTmpfs: onTmpfs }),
  speedupOverSequential: speedup,
  peakRssMb: concurrentPeakRssMb,
  peakRssByUnits: {
    [UNITS]: concurrentPeakRssMb,
    ...Object.fromEntries(rssRuns.map((run) => [run.units, run.peakRssMb])),
  },
  ...(rssRuns.length > 0 && { rssRuns }),
  cliColdStart: coldStart,
  ...(storm && { storm: 'figures' in storm ? storm.figures : storm }),
  goals: {
    ratioToIdeal: { goal: '<= 1.10', value: concurrent.ratioToIdeal, met: concurrent.ratioToIdeal <= 1.1 },
    cpuMsPerUnit: { goal: '<= 5', value: concurrent.cpuMsPerUnit, met: concurrent.cpuMsPerUnit <= 5 },
    peakRssMb: {
      goal: `<= ${RSS_GOAL_MB} (${UNITS} units)`,
      value: concurrentPeakRssMb,
      met: concurrentPeakRssMb <= RSS_GOAL_MB,
    },
    ...Object.fromEntries(
      rssRuns.map((run) => [
        `peakRssMbAt${run.units}Units`,
        { goal: `<= ${RSS_GOAL_MB}`, value: run.peakRssMb, met: run.peakRssMb <= RSS_GOAL_MB },
      ]),
    ),
    firstSubmissionMs: {
      goal: '<= 1000',
      value: concurrent.firstSubmissionMs,
      met: concurrent.firstSubmissionMs !== null && concurrent.firstSubmissionMs <= 1000,
    },
    cliColdStartMs: {
      goal: '<= 300',
      value: 'medianMs' in coldStart ? coldStart.medianMs : null,
      met: 'medianMs' in coldStart && coldStart.medianMs <= 300,
    },
    ...stormGoals(storm),
  },
};
console.log('Pipeline benchmark (sandbox in its own process, 100 ms per API request, pass-through image work)');
const row = ({ workspace: _workspace, steadyThreadsCpuMsPerUnit: _threads, ...figures }: typeof concurrent) => figures;
console.log(
  `workspaces in ${concurrent.workspace.dir} (${concurrent.workspace.fs}${concurrent.workspace.spread ? ', chattr +T: each in a fresh inode group' : ''})`,
);
console.table({
  [`${UNITS} units, concurrency 8`]: row(concurrent),
  [`${SEQUENTIAL_UNITS} units, concurrency 1 (prototype loop)`]: row(sequential),
  ...(onTmpfs && { [`${UNITS} units, concurrency 8, workspace on tmpfs`]: row(onTmpfs) }),
});
console.log(`speed-up over the sequential loop: ${speedup}x per unit; peak RSS ${concurrentPeakRssMb} MB`);
console.log('studio --help cold start:', coldStart);
if (storm) console.log('summary' in storm ? storm.summary : storm.error);
for (const [name, goal] of Object.entries(results.goals))
  console.log(`${goal.met ? 'pass' : 'MISS'} ${name}: ${goal.value} (goal ${goal.goal})`);
if (onTmpfs) {
  console.log(
    `     cpuMsPerUnit with the workspace on tmpfs: ${onTmpfs.cpuMsPerUnit} (the goal above is judged on the disk run)`,
  );
}
await writeFile(new URL('./results/pipeline.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
