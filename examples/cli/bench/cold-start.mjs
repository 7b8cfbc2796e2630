// Cold start of `studio --help` (goal <= 300 ms): spawns the built CLI repeatedly and reports the median and p90
// wall time, next to a bare `node -e 0` for reference. Writes bench/results/cold-start.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(bin)) {
  console.error(`${bin} is missing: run "pnpm --filter @model-studio/cli... build" first.`);
  process.exit(1);
}
const runs = Number(process.env.BENCH_RUNS ?? 15);

function time(args) {
  const samples = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i >= 2) samples.push(ms); // the first two warm the file cache
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { runs: samples.length, medianMs: round(at(0.5)), p90Ms: round(at(0.9)), minMs: round(samples[0]) };
}

const round = (value) => Math.round(value * 10) / 10;
const help = time([bin, '--help']);
const bare = time(['-e', '0']);
const result = {
  name: 'cli-cold-start',
  node: process.version,
  command: 'studio --help',
  help,
  bareNode: bare,
  overheadMedianMs: round(help.medianMs - bare.medianMs),
  goalMs: 300,
  meetsGoal: help.medianMs <= 300,
};
console.log(
  `studio --help: median ${help.medianMs} ms, p90 ${help.p90Ms} ms (bare node ${bare.medianMs} ms; goal <= 300 ms)`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/cold-start.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
