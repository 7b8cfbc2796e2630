// One run of the pipeline benchmark in a fresh process (the tmpfs run and the peak RSS runs of pipeline.bench.ts), so
// that it warms up (JIT compilation) like the first run and its peak RSS is its own. pipeline.bench.ts bundles this
// file for plain node (see pipeline-child-bundle.ts): the measured process holds the SDK and the run, not tsx (whose
// loader thread and source maps cost 35-50 MB of RSS). Reads BENCH_CHILD_DIR and BENCH_CHILD_UNITS; prints one JSON
// line: the run's figures with the process's peak RSS (the kernel's figure) and its RSS before the run.
import { rm } from 'node:fs/promises';
import { runOnce, workspaces } from './pipeline-run.js';

const dir = process.env.BENCH_CHILD_DIR;
if (!dir) throw new Error('pipeline-child: set BENCH_CHILD_DIR to the folder of the workspaces');
const units = Number(process.env.BENCH_CHILD_UNITS ?? 1000);
const startRssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
const run = await runOnce(units, 8, dir);
// The run's own peak (read before the bench reads the sandbox's request log; see runOnce).
const peakRssMb = run.runPeakRssMb;
for (const root of workspaces) await rm(root, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ ...run, peakRssMb, startRssMb })}\n`);
process.exit(0);
