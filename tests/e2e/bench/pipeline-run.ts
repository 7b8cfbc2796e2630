// The run the pipeline benchmark measures (see pipeline.bench.ts), apart from the script that reports it, so that the
// peak RSS runs can load it in a fresh process of plain node (pipeline-child.ts, bundled): the measured process then
// holds the SDK and this run, not tsx and the benchmark's other helpers.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConsentRecord,
  createStudio,
  type FaceChecker,
  type ImageProcessor,
  LocalStorage,
  openWorkspace,
  storageKeys,
} from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider } from '@model-studio/maxstudio';
import { collectLines, exited } from '../test/helpers/child-process.js';
import { splitThreadCpu, threadCpu } from './thread-cpu.js';

/**
 * The sandbox's latency for every API request (ms): 100, or BENCH_LATENCY_MS. A shorter latency runs many units
 * quickly (the run is then bound by CPU, not by waiting) to see how memory grows with them; the goals are judged at 100.
 */
export const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

/** The folder of the project that holds the benchmark's workspaces by default (ignored by git). */
export const benchWorkspacesDir = fileURLToPath(new URL('../.bench-workspaces', import.meta.url));

/** The consent of test/helpers/pipeline-rig.ts (not imported: it loads the quality package, which a run does not use). */
function sfwConsent(): ConsentRecord {
  return {
    subject: 'Grace Hopper (public-domain test portrait)',
    adultAttested: true,
    attestedBy: 'e2e test',
    allowedRatings: ['sfw'],
    allowedUses: ['swap'],
    obtainedAt: '2026-11-25T00:00:00.000Z',
    evidenceRef: 'test fixture: public-domain US Navy photo',
  } as ConsentRecord;
}

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
export const workspaces: string[] = [];

/** The file system type under `dir` (Linux magic numbers of the common ones). */
export function fsName(dir: string): string {
  const names: Record<number, string> = { 61267: 'ext4', 16914836: 'tmpfs', 1481003842: 'xfs', 2435016766: 'btrfs' };
  const { type } = statfsSync(dir);
  return names[type] ?? `0x${type.toString(16)}`;
}

/** Where the disk runs' workspaces are made (see the top of this file). */
// A folder of the bench's own under BENCH_DIR: its attribute is changed (see spreadNewFolders), not the user's.
export const workspacesDir = process.env.BENCH_DIR
  ? join(process.env.BENCH_DIR, 'model-studio-bench')
  : benchWorkspacesDir;

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

/**
 * One concurrent (or sequential) run of `units` units against a fresh sandbox, in a fresh workspace under `dir`: its
 * wall time against the ideal, CPU per unit (process-wide and per thread), and the sandbox's share of a core.
 */
export async function runOnce(units: number, concurrency: number, dir = workspacesDir) {
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
    // A committed 64x64 JPEG (292 bytes), not one made with sharp: sharp's native library would add about 19 MB to the
    // measured process, which a run with these pass-through checks never loads.
    const image = await readFile(new URL('./sample-64x64.jpg', import.meta.url));
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
    // The peak so far: the workspace's setup (the bench's targets and their records) and the plan.
    const planPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
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
    // The run's peak, before the bench reads the sandbox's request log (tens of thousands of entries at 10,000 units:
    // the bench's bookkeeping, not the SDK's memory).
    const runPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
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
      runPeakRssMb,
      planPeakRssMb,
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
