/**
 * Dataset and LoRA-size figures for @model-studio/lora-trainer.
 *
 * 1. `buildDataset` over 500 generated images of 2 MB each (random bytes in a JPEG frame, written to a temp folder and
 *    read back per image) into LocalStorage: both layouts, the manifest and the streamed `dataset.tar` (about 3 GB
 *    written). Measured in a fresh child process: wall time and peak RSS (`process.resourceUsage().maxRSS`).
 * 2. `estimateLoraBytes` against a full-size sandbox LoRA file (`sandboxLoraFile({ layers: 'all' })`, real header
 *    and tensor shapes) for each family and rank 4, 16, 32, 64, with the published sizes for reference.
 *
 * Run: `pnpm --filter @model-studio/lora-trainer bench` (or `node --import tsx bench/dataset.bench.ts`). Writes the
 * `dataset` and `loraSizeEstimate` keys of bench/results/trainer.json, keeping the other keys (the RunPod bench's).
 * `BENCH_IMAGES=<n>` changes the image count. Exits 0 unless it could not measure.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage } from '@model-studio/core';
import {
  buildDataset,
  type DatasetCandidate,
  estimateLoraBytes,
  type ModelFamily,
  sandboxLoraFile,
} from '../src/index.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 500);
const IMAGE_BYTES = 2 * 1024 * 1024;
const BUILD_GOAL_S = 90;
const RSS_GOAL_MB = 400;
const ESTIMATE_GOAL_PCT = 2;
const resultsFile = fileURLToPath(new URL('./results/trainer.json', import.meta.url));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The child: generate the images, build the dataset, print the figures as JSON on the last line. */
async function child(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'lora-dataset-bench-'));
  try {
    const inputs = join(root, 'inputs');
    await mkdir(inputs);
    const candidates: DatasetCandidate[] = [];
    for (let n = 0; n < IMAGES; n++) {
      const name = `andie-s1-t${String(n + 1).padStart(3, '0')}-sfw-enhanced.jpg`;
      const bytes = randomBytes(IMAGE_BYTES);
      bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
      await writeFile(join(inputs, name), bytes);
      candidates.push({
        name,
        key: `models/andie/results/sfw/source_1/enhanced/${name}`,
        read: () => readFile(join(inputs, name)),
        caption: { text: `a photo of andie woman, pose ${n}`, state: 'reviewed' },
        score: 0.61 + (n % 39) / 100,
        identity: { samePerson: true, distance: 0.3 },
        perceptualHash: randomBytes(8).toString('hex'),
      });
    }
    const storage = new LocalStorage({ root: join(root, 'workspace') });
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const result = await buildDataset({
      storage,
      model: 'andie',
      version: 'bench',
      candidates,
      family: 'flux',
      trigger: 'andie',
      classWord: 'woman',
    });
    const seconds = (performance.now() - started) / 1000;
    await storage.close();
    const figures = {
      images: IMAGES,
      selected: result.manifest.files.length,
      imageMB: IMAGE_BYTES / 2 ** 20,
      archiveMB: round(result.manifest.archive.size / 2 ** 20),
      seconds: round(seconds, 2),
      rssBeforeMB: round(rssBefore / 2 ** 20),
      peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(figures));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const referenceMB: Record<ModelFamily, Record<number, number>> = {
  flux: { 4: 13, 16: 52, 32: 105 },
  sdxl: { 4: 12, 16: 46, 32: 93 },
  sd15: { 4: 2, 16: 6, 32: 13 },
};

function loraSizes() {
  const rows = [];
  for (const family of ['flux', 'sdxl', 'sd15'] as const) {
    for (const rank of [4, 16, 32, 64]) {
      const actual = sandboxLoraFile({ family, rank, layers: 'all' }).byteLength;
      const estimate = estimateLoraBytes({ family, rank });
      const errorPct = round(((estimate - actual) / actual) * 100, 3);
      rows.push({
        family,
        rank,
        sandboxFileMB: round(actual / 1e6, 2),
        estimateMB: round(estimate / 1e6, 2),
        errorPct,
        referenceMB: referenceMB[family][rank] ?? null,
        goal: `|error| <= ${ESTIMATE_GOAL_PCT}%`,
        pass: Math.abs(errorPct) <= ESTIMATE_GOAL_PCT,
      });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    console.error(`The dataset build could not be measured:\n${run.stderr}`);
    process.exit(1);
  }
  const build = JSON.parse(last) as { seconds: number; peakRssMB: number } & Record<string, number>;
  const dataset = {
    ...build,
    goals: { seconds: `<= ${BUILD_GOAL_S}`, peakRssMB: `<= ${RSS_GOAL_MB}` },
    pass: { seconds: build.seconds <= BUILD_GOAL_S, peakRssMB: build.peakRssMB <= RSS_GOAL_MB },
  };
  const mark = (ok: boolean) => (ok ? 'pass' : 'MISS');
  console.log(`dataset build, ${build.images} images x 2 MB (both layouts + streamed tar ${build.archiveMB} MB):`);
  console.log(`  time       ${build.seconds} s   goal <= ${BUILD_GOAL_S} s   ${mark(dataset.pass.seconds)}`);
  console.log(`  peak RSS   ${build.peakRssMB} MB  goal <= ${RSS_GOAL_MB} MB  ${mark(dataset.pass.peakRssMB)}`);
  const sizes = loraSizes();
  console.log('LoRA size estimate vs full-size sandbox file (bf16):');
  for (const row of sizes) {
    const ref = row.referenceMB === null ? '' : `  (published ~${row.referenceMB} MB)`;
    console.log(
      `  ${row.family.padEnd(5)} rank ${String(row.rank).padStart(2)}: file ${row.sandboxFileMB} MB, estimate ${row.estimateMB} MB, error ${row.errorPct}%  ${mark(row.pass)}${ref}`,
    );
  }
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(await readFile(resultsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run
  }
  const machine = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length };
  const merged = {
    ...previous,
    dataset: { date: new Date().toISOString(), ...machine, ...dataset },
    loraSizeEstimate: sizes,
  };
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`wrote ${resultsFile}`);
}

if (process.argv.includes('--child')) await child();
else await main();
