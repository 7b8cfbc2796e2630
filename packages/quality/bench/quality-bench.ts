/**
 * Benchmark of @model-studio/quality against labelled images, and of OpenCV's Haar cascade (the prototype's method) on
 * the same images: the larger set in ../shared/fixtures (faces-bench + faces) when present, else the public-domain
 * labelled images shipped in test/fixtures/faces. Prints figures with their goals (pass or MISS) and writes
 * bench/results/quality.json; exits 0 whatever the figures, non-zero only when it could not measure.
 * Run: `pnpm --filter @model-studio/quality bench`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

interface Label {
  faces: number;
  faces_max?: number;
  count_uncertain: boolean;
  category: string;
  identity?: string;
}
interface Item {
  name: string;
  file: string;
  label: Label;
  bytes: Uint8Array;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// The built package when present (as users run it), else the TypeScript source.
const dist = path.join(here, '../dist/index.js');
const { createQualityChecker, euclideanDistance } = (await import(
  existsSync(dist) ? pathToFileURL(dist).href : '../src/index.js'
)) as typeof import('../src/index.js');
// The larger labelled set in ../shared/fixtures (faces-bench + faces) when it is there (or QUALITY_FIXTURES names
// such a folder); otherwise the public-domain labelled images the package ships in test/fixtures/faces, so the bench
// measures from any clone. (faces-bench may not be copied into the project: see ../shared/fixtures/README.md.)
const shipped = path.resolve(here, '../test/fixtures/faces');
const fixtures = process.env.QUALITY_FIXTURES ?? path.resolve(here, '../../../../shared/fixtures');
const largerSets = ['faces-bench', 'faces']
  .map((s) => path.join(fixtures, s))
  .filter((d) => existsSync(path.join(d, 'labels.json')));
const sets = largerSets.length > 0 ? largerSets : [shipped].filter((d) => existsSync(path.join(d, 'labels.json')));
if (sets.length === 0) {
  console.error(`quality bench: no labelled images, neither at ${fixtures} nor at ${shipped}: nothing to measure.`);
  process.exit(1);
}
const imageSet = largerSets.length > 0 ? `shared: ${fixtures}` : 'shipped: packages/quality/test/fixtures/faces';
const items: Item[] = sets.flatMap((dir) =>
  Object.entries(JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')) as Record<string, Label>).map(
    ([name, label]) => ({
      name,
      file: path.join(dir, name),
      label,
      bytes: new Uint8Array(readFileSync(path.join(dir, name))),
    }),
  ),
);

const isCorrect = (n: number, l: Label) =>
  l.count_uncertain ? n >= l.faces && n <= (l.faces_max ?? l.faces) : n === l.faces;
const isSingle = (l: Label) => l.faces === 1 && (l.faces_max ?? 1) === 1;

function countFigures(counts: number[]) {
  let correct = 0;
  let singles = 0;
  let singleCorrect = 0;
  let missed = 0;
  let falsePositive = 0;
  let noFaceFalsePositive = 0;
  const wrong: string[] = [];
  items.forEach((item, i) => {
    const n = counts[i]!;
    const l = item.label;
    if (isCorrect(n, l)) correct++;
    else wrong.push(`${item.name} ${n}/${l.count_uncertain ? `${l.faces}-${l.faces_max}` : l.faces}`);
    if (isSingle(l)) {
      singles++;
      if (n === 1) singleCorrect++;
    }
    missed += Math.max(0, l.faces - n);
    falsePositive += Math.max(0, n - (l.faces_max ?? l.faces));
    if (l.faces === 0) noFaceFalsePositive += n;
  });
  return {
    images: items.length,
    correctCountRate: correct / items.length,
    singleFaceImages: singles,
    singleFaceCorrectRate: singleCorrect / singles,
    missedFaces: missed,
    falsePositiveFaces: falsePositive,
    falsePositiveFacesOnNoFaceImages: noFaceFalsePositive,
    labelledFaces: items.reduce((n, i) => n + i.label.faces, 0),
    wrong,
  };
}

/** Runs bench/haar.py with the first Python that has OpenCV (`$PYTHON`, `python3`, then Debian's /usr/bin/python3). */
async function runHaar() {
  const run = promisify(execFile);
  const pythons = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p));
  let reason = 'python3 not found';
  for (const python of [...new Set(pythons)]) {
    try {
      const { stdout } = await run(python, [path.join(here, 'haar.py'), ...items.map((i) => i.file)], {
        maxBuffer: 1 << 24,
      });
      const out = JSON.parse(stdout) as {
        error?: string;
        counts?: number[];
        seconds?: number;
        cpu_seconds?: number;
        opencv?: string;
      };
      if (out.error || !out.counts || out.seconds === undefined) {
        reason = `${python}: ${out.error ?? 'no output'}`;
        continue;
      }
      return {
        python,
        opencv: out.opencv,
        imagesPerSecond: items.length / out.seconds,
        cpuBoundImagesPerSecond: out.cpu_seconds ? items.length / (out.cpu_seconds / 2) : null,
        ...countFigures(out.counts),
      };
    } catch (error) {
      reason = `${python} could not run: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return { skipped: reason };
}

const loadAtStart = os.loadavg();
const coldStart = performance.now();
const checker = createQualityChecker();
const workers = checker.threadCount; // 0 until first use
await checker.analyze({ bytes: items[0]!.bytes });
const coldStartMs = performance.now() - coldStart;

// Warm-up pass, then the timed pass (detection only, images at 640 px longest side).
const counts: number[] = new Array(items.length).fill(0);
const batch = () => items.map((item, i) => ({ id: String(i), image: { bytes: item.bytes } }));
for await (const _ of checker.analyzeBatch(batch())) {
  // warm-up
}
const started = performance.now();
const cpuBefore = process.cpuUsage();
for await (const result of checker.analyzeBatch(batch())) {
  if (!result.ok) throw result.error;
  counts[Number(result.id)] = result.analysis.faces.length;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const threads = checker.threadCount || workers;
const ours = {
  workers: threads,
  backend: checker.backend,
  imagesPerSecond: items.length / seconds,
  // The same pass costed in CPU time (all threads of this process) spread over the worker count: the rate these
  // cores would give if no other process competed for them.
  cpuBoundImagesPerSecond: items.length / ((cpu.user + cpu.system) / 1e6 / Math.max(1, threads)),
  ...countFigures(counts),
};

// Identity: one embedding per single-person labelled image; all pairs compared at the configured threshold.
const embeddings: Array<{ name: string; identity: string; embedding: Float32Array }> = [];
let embedMs = 0;
let workerMs = 0;
let embedded = 0;
const embedCpuBefore = process.cpuUsage();
for (const item of items) {
  const identity = item.label.identity;
  if (!identity || identity.includes('+')) continue;
  const analysis = await checker.analyze({ bytes: item.bytes }, { embeddings: true });
  if (analysis.faces.length === 0) continue;
  embedMs += analysis.timings.embedMs;
  workerMs += analysis.timings.decodeMs + analysis.timings.detectMs + analysis.timings.embedMs;
  embedded += analysis.faces.length;
  // The most confident face stands for the labelled person.
  const face = [...analysis.faces].sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))[0]!;
  embeddings.push({ name: item.name, identity, embedding: face.embedding! });
}
// One image at a time, so this process's CPU time is that worker's; the embedding share of it, per face.
const embedCpu = process.cpuUsage(embedCpuBefore);
const cpuMsPerEmbedding =
  embedded && workerMs ? (((embedCpu.user + embedCpu.system) / 1000) * (embedMs / workerMs)) / embedded : null;
let samePairs = 0;
let sameAccepted = 0;
let differentPairs = 0;
let falseAccepts = 0;
let maxSame = 0;
let minDifferent = Infinity;
for (let i = 0; i < embeddings.length; i++) {
  for (let j = i + 1; j < embeddings.length; j++) {
    const a = embeddings[i]!;
    const b = embeddings[j]!;
    const d = euclideanDistance(a.embedding, b.embedding);
    if (a.identity === b.identity) {
      samePairs++;
      if (d < checker.identityThreshold) sameAccepted++;
      maxSame = Math.max(maxSame, d);
    } else {
      differentPairs++;
      if (d < checker.identityThreshold) falseAccepts++;
      minDifferent = Math.min(minDifferent, d);
    }
  }
}
const identity = {
  threshold: checker.identityThreshold,
  images: embeddings.length,
  samePersonPairs: samePairs,
  samePersonAcceptance: samePairs ? sameAccepted / samePairs : null,
  differentPersonPairs: differentPairs,
  falseAccepts,
  maxSamePersonDistance: maxSame,
  minDifferentPersonDistance: minDifferent,
  msPerEmbedding: embedded ? embedMs / embedded : null,
  cpuMsPerEmbedding,
};
const loadMs = checker.loadMs;
await checker.close();
const peakRssMb = process.resourceUsage().maxRSS / 1024;

const haar = await runHaar();
const goals = {
  imagesPerSecond: { goal: '>= 30 with 2 workers', met: ours.imagesPerSecond >= 30 },
  correctCountRate: { goal: '>= 0.90', met: ours.correctCountRate >= 0.9 },
  singleFaceCorrectRate: { goal: '>= 0.97', met: ours.singleFaceCorrectRate >= 0.97 },
  falsePositiveFacesOnNoFaceImages: { goal: '<= 1', met: ours.falsePositiveFacesOnNoFaceImages <= 1 },
  samePersonAcceptance: { goal: '>= 0.95', met: (identity.samePersonAcceptance ?? 0) >= 0.95 },
  falseAccepts: { goal: '0', met: identity.falseAccepts === 0 },
  msPerEmbedding: { goal: '<= 40', met: (identity.msPerEmbedding ?? Infinity) <= 40 },
};
const ratios =
  'skipped' in haar
    ? undefined
    : {
        speed: ours.imagesPerSecond / haar.imagesPerSecond,
        correctCountRate: ours.correctCountRate / haar.correctCountRate,
        missedFaces: haar.missedFaces ? ours.missedFaces / haar.missedFaces : null,
        falsePositiveFaces: haar.falsePositiveFaces ? ours.falsePositiveFaces / haar.falsePositiveFaces : null,
      };
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  // Other processes share the cores: timings scale with this (1-, 5- and 15-minute load averages).
  loadAverage: loadAtStart,
  loadAverageAtEnd: os.loadavg(),
  imageSet,
  sets: sets.map((s) => path.basename(s)),
  analysisSide: 640,
  coldStartMs,
  modelLoadMs: loadMs,
  peakRssMb,
  ours,
  identity,
  haar,
  ratios,
  goals,
};
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
console.log(
  `quality bench: ${items.length} images (${report.sets.join(' + ')}; ${imageSet}), ${ours.workers} workers, backend ${ours.backend}`,
);
console.log(
  `  cold start ${coldStartMs.toFixed(0)} ms (model load ${loadMs.toFixed(0)} ms), peak RSS ${peakRssMb.toFixed(0)} MB`,
);
console.log(
  `  ours: ${ours.imagesPerSecond.toFixed(1)} img/s (${ours.cpuBoundImagesPerSecond.toFixed(1)} by CPU time), correct count ${pct(ours.correctCountRate)}, single-face ${pct(ours.singleFaceCorrectRate)}, missed ${ours.missedFaces}/${ours.labelledFaces}, false-positive ${ours.falsePositiveFaces} (${ours.falsePositiveFacesOnNoFaceImages} on no-face images)`,
);
console.log(`  wrong: ${ours.wrong.join('; ') || 'none'}`);
console.log(
  `  identity @${identity.threshold}: same-person ${identity.samePersonAcceptance === null ? 'n/a' : pct(identity.samePersonAcceptance)} of ${samePairs} pairs, false accepts ${falseAccepts} of ${differentPairs}, max same ${maxSame.toFixed(3)}, min different ${minDifferent.toFixed(3)}, ${identity.msPerEmbedding?.toFixed(1)} ms/embedding (${identity.cpuMsPerEmbedding?.toFixed(1)} ms CPU)`,
);
if ('skipped' in haar) console.log(`  OpenCV Haar: skipped (${haar.skipped})`);
else {
  console.log(
    `  OpenCV Haar ${haar.opencv}: ${haar.imagesPerSecond.toFixed(1)} img/s (${haar.cpuBoundImagesPerSecond?.toFixed(1)} by CPU time), correct count ${pct(haar.correctCountRate)}, single-face ${pct(haar.singleFaceCorrectRate)}, missed ${haar.missedFaces}, false-positive ${haar.falsePositiveFaces} (${haar.falsePositiveFacesOnNoFaceImages} on no-face images)`,
  );
  console.log(
    `  ratios ours/Haar: speed x${ratios!.speed.toFixed(2)}, correct count x${ratios!.correctCountRate.toFixed(2)}, missed x${ratios!.missedFaces?.toFixed(2)}, false positives x${ratios!.falsePositiveFaces?.toFixed(2)}`,
  );
}
for (const [name, goal] of Object.entries(goals))
  console.log(`  goal ${name} ${goal.goal}: ${goal.met ? 'pass' : 'MISS'}`);
const out = path.join(here, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'quality.json'), `${JSON.stringify(report, null, 2)}\n`);
