/**
 * Runs the package's benchmarks one after the other: bench/dataset.bench.ts, then bench/pod-billing.bench.ts when
 * it exists. Both write their keys into bench/results/trainer.json. Exits non-zero only when a bench could not
 * measure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benches = ['dataset.bench.ts', 'pod-billing.bench.ts'];
let failed = false;
for (const bench of benches) {
  const path = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  if (!existsSync(path)) {
    console.log(`(${bench} not present, skipped)`);
    continue;
  }
  console.log(`\n== ${bench}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
