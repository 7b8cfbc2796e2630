import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FaceChecker, LocalStorage, NotFoundError, storageKeys, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckpointCurve,
  type CheckpointPoint,
  chooseBestCheckpoint,
  computeCheckpointCurve,
  type DecodedImage,
  decodeImage,
  differenceHash,
  imageStatistics,
  lastCheckpointCollapsed,
  loadCheckpointCurve,
  NoQualifyingCheckpointError,
  promoteBestCheckpoint,
  promoteCheckpoint,
  readCheckpointCurve,
  writeCheckpointCharts,
} from '../src/checkpoints/index.js';
import { hammingDistance } from '../src/dataset/hamming-distance.js';
import { encodeSandboxPng } from '../src/testing/sandbox-png.js';
import {
  type SandboxSampleSchedule,
  sandboxCheckpointFiles,
  sandboxNoiseShare,
  sandboxSample,
  sandboxSampleScheduleFromEnv,
  sandboxScheduledSamples,
} from '../src/testing/sandbox-samples.js';
import { finalPointerKey } from '../src/versions/list-lora-versions.js';
import { recordLoraVersion } from '../src/versions/record-lora-version.js';

let root: string;
let storage: LocalStorage;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'checkpoints-best-'));
  storage = new LocalStorage({ root });
});
afterEach(async () => {
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

/** A 64x64 test picture: rings around a centre (the "face") or stripes (the dataset's other images). */
function picture(kind: 'face' | 'stripes' | 'checks', seed = 0): Uint8Array {
  const size = 64;
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - 32, y - 28);
      const value =
        kind === 'face'
          ? 128 + 100 * Math.cos(r / 4)
          : kind === 'stripes'
            ? ((x + seed * 5) >> 3) % 2
              ? 220
              : 30
            : ((x >> 3) + (y >> 3) + seed) % 2
              ? 200
              : 40;
      rgb.set([value, value * 0.8, value * 0.6], (y * size + x) * 3);
    }
  }
  return encodeSandboxPng(size, size, rgb);
}

/**
 * A face checker on real pixels for these tests (the quality package's checker is the CLI's): one "face" when the
 * image has contrast, its embedding the zero-mean, unit-norm 8x8 luminance; distance = euclidean / 2 (0-1).
 */
function pixelFaceChecker(): FaceChecker {
  const embed = (bytes: Uint8Array) => {
    const image = decodeImage(bytes);
    const cells = new Float32Array(64);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const o = (y * image.width + x) * 4;
        const cell = Math.floor((y * 8) / image.height) * 8 + Math.floor((x * 8) / image.width);
        cells[cell] =
          (cells[cell] ?? 0) + 0.299 * image.data[o]! + 0.587 * image.data[o + 1]! + 0.114 * image.data[o + 2]!;
      }
    }
    const mean = cells.reduce((a, b) => a + b, 0) / 64;
    const centred = cells.map((v) => v - mean);
    const norm = Math.hypot(...centred);
    return norm < 1e-6 * image.width * image.height ? undefined : centred.map((v) => v / norm);
  };
  const box = { x: 0, y: 0, width: 1, height: 1 };
  return {
    specificationVersion: 'v1',
    provider: 'pixel-test',
    async faces(image) {
      return 'bytes' in image && embed(image.bytes) ? [{ box, confidence: 1 }] : [];
    },
    async embeddings(image) {
      const embedding = 'bytes' in image ? embed(image.bytes) : undefined;
      return embedding ? [{ box, confidence: 1, embedding }] : [];
    },
    distance(a, b) {
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
      return Math.sqrt(sum) / 2;
    },
    async quality() {
      throw new Error('not used');
    },
  };
}

const steps = [100, 200, 300, 400, 500, 600];
const face = picture('face');
const dataset = [picture('stripes', 0), picture('checks', 1), picture('stripes', 3)];
const checker = pixelFaceChecker();
const sourceEmbeddings = async () => [(await checker.embeddings({ bytes: face }))[0]!.embedding];

/** Records sandbox version `version` whose samples follow `schedule`, with its checkpoints and dataset d1. */
async function recordSandboxVersion(version: string, schedule: SandboxSampleSchedule): Promise<void> {
  const files = sandboxCheckpointFiles({ face, dataset, steps, schedule, samplesPerStep: 2, size: 64 });
  const metrics = steps.map((step) => JSON.stringify({ step, metrics: { train_loss: 0.5 - step / 2000 } })).join('\n');
  await recordLoraVersion({
    storage,
    model: 'andie',
    version,
    family: 'flux',
    config: { lora_rank: 4 },
    datasetManifest: { version: 'd1' },
    artifacts: [
      ...files.filter((file) => !file.name.startsWith('checkpoints/')),
      { name: 'training_metrics.jsonl', bytes: new TextEncoder().encode(metrics) },
    ],
  });
  for (const file of files.filter((f) => f.name.startsWith('checkpoints/'))) {
    await storage.put(storageKeys.lora('andie', version, file.name), file.bytes);
  }
  for (const [n, bytes] of dataset.entries()) {
    await storage.put(storageKeys.dataset('andie', 'd1', `simpletuner/images/andie-${n}.png`), bytes);
  }
}

async function curveOf(version: string): Promise<CheckpointCurve> {
  return computeCheckpointCurve({
    storage,
    model: 'andie',
    version,
    identity: { faceChecker: checker, sourceEmbeddings: await sourceEmbeddings() },
  });
}

describe('checkpoint curve on sandbox checkpoints whose samples peak at a known step', () => {
  it('identity peaks at the schedule peak, the collapse shows in entropy and contrast, and the curve is stored', async () => {
    await recordSandboxVersion('v1', { peakStep: 300, collapseStep: 600, spread: 300 });
    const curve = await curveOf('v1');
    expect(curve.checkpoints.map((point) => point.step)).toEqual(steps);
    expect(curve.sandbox).toBe(true);
    expect(curve.note).toMatch(/sandbox.*measures the pipeline, not a trained model/i);
    expect(curve.datasetImages).toBe(3);
    const identities = curve.checkpoints.map((point) => point.identity ?? -1);
    expect(identities.indexOf(Math.max(...identities))).toBe(steps.indexOf(300));
    expect(identities[0]).toBeLessThan(identities[1]!); // rising to the peak
    expect(identities[3]).toBeGreaterThan(identities[4]!); // falling after it
    const collapsed = curve.checkpoints.at(-1)!;
    expect(collapsed.contrast).toBeLessThan(0.01);
    expect(collapsed.entropy).toBeLessThan(1.5);
    expect(curve.checkpoints[2]!.contrast).toBeGreaterThan(0.1);
    expect(curve.checkpoints.map((point) => point.loss)).toEqual(steps.map((step) => 0.5 - step / 2000));
    expect(curve.checkpoints.every((point) => (point.memorisation ?? 1) < 0.9)).toBe(true);
    expect(lastCheckpointCollapsed(curve)?.step).toBe(600);
    expect(await readCheckpointCurve(storage, 'andie', 'v1')).toEqual(curve);
    // a stored curve is read back, not recomputed; recompute on request
    const again = await loadCheckpointCurve({ storage, model: 'andie', version: 'v1', now: () => new Date(0) });
    expect(again.computedAt).toBe(curve.computedAt);
    const fresh = await loadCheckpointCurve({
      storage,
      model: 'andie',
      version: 'v1',
      recompute: true,
      now: () => new Date(0),
    });
    expect(fresh.computedAt).toBe(new Date(0).toISOString());
    expect(fresh.faceChecker).toBeUndefined(); // no face checker given: identity not measured
  });

  it('--best picks the peak, and promoting it makes its weights the final LoRA', async () => {
    await recordSandboxVersion('v1', { peakStep: 300, collapseStep: 600, spread: 300 });
    const { pointer, choice } = await promoteBestCheckpoint(storage, await curveOf('v1'));
    expect(choice.checkpoint.step).toBe(300);
    expect(choice.why).toMatch(/^step 300 has the highest identity/);
    expect(choice.why).toMatch(/sandbox/i);
    expect(choice.verdicts.find((verdict) => verdict.step === 600)?.failures).toContain('collapsed');
    expect(pointer).toMatchObject({
      version: 'v1',
      step: 300,
      file: 'checkpoints/checkpoint-300/pytorch_lora_weights.safetensors',
    });
    const stored = JSON.parse(await new Response(await storage.get(finalPointerKey('andie'))).text());
    expect(stored).toEqual(pointer);
    const weights = new Uint8Array(
      await new Response(await storage.get(storageKeys.lora('andie', 'v1', pointer.file))).arrayBuffer(),
    );
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(weights).digest('hex')).toBe(pointer.sha256);
  });

  it('--best skips a memorising checkpoint (its samples copy a dataset image) and a collapsed one', async () => {
    await recordSandboxVersion('v2', { peakStep: 300, collapseStep: 500, memoriseSteps: [300], spread: 300 });
    const curve = await curveOf('v2');
    const at = (step: number) => curve.checkpoints.find((point) => point.step === step) as CheckpointPoint;
    expect(at(300).memorisation).toBe(1);
    expect(at(300).samples[0]?.nearestDatasetImage).toBe('andie-0.png');
    const choice = chooseBestCheckpoint(curve);
    expect([200, 400]).toContain(choice.checkpoint.step);
    expect(choice.verdicts.find((v) => v.step === 300)?.failures).toContain('memorising');
    expect(choice.verdicts.find((v) => v.step === 500)?.failures).toContain('collapsed');
    expect(choice.verdicts.find((v) => v.step === 600)?.failures).toContain('collapsed');
  });

  it('--step N promotes a chosen checkpoint; an unknown step is a NotFoundError listing the steps', async () => {
    await recordSandboxVersion('v1', { peakStep: 300, collapseStep: 600 });
    const curve = await curveOf('v1');
    const pointer = await promoteCheckpoint(storage, curve, 500);
    expect(pointer).toMatchObject({ step: 500, reason: 'chosen by step' });
    const last = await promoteCheckpoint(storage, curve, 600);
    expect(last.file).toBe('pytorch_lora_weights.safetensors');
    expect(last.sha256).not.toBe(pointer.sha256);
    const error = await promoteCheckpoint(storage, curve, 250).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no checkpoint at step 250 \(steps: 100, 200, 300, 400, 500, 600\)/);
  });

  it('draws identity, memorisation and loss to an SVG and a PNG, labelled sandbox', async () => {
    await recordSandboxVersion('v1', { peakStep: 300, collapseStep: 600 });
    const keys = await writeCheckpointCharts(storage, storageKeys.loraPrefix('andie', 'v1'), [await curveOf('v1')]);
    const svg = await new Response(await storage.get(keys.svg)).text();
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('sandbox: measures the pipeline, not a trained model');
    for (const label of ['identity', 'memorisation', 'train loss']) expect(svg).toContain(label);
    const png = new Uint8Array(await new Response(await storage.get(keys.png)).arrayBuffer());
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(decodeImage(png).width).toBeGreaterThan(500);
  });
});

describe('the --best rule on measured curves', () => {
  const point = (step: number, identity: number, extra: Partial<CheckpointPoint> = {}): CheckpointPoint => ({
    step,
    last: false,
    samples: [{ key: `s${step}`, entropy: 7, contrast: 0.2 }],
    identity,
    memorisation: 0.5,
    nearestDatasetDistance: 0.5,
    entropy: 7,
    contrast: 0.2,
    ...extra,
  });
  const curve = (checkpoints: CheckpointPoint[]): CheckpointCurve => ({
    curveVersion: 1,
    model: 'andie',
    version: 'v1',
    sandbox: false,
    note: '',
    computedAt: '',
    perceptualHash: 'dhash',
    datasetImages: 3,
    checkpoints,
  });

  it('highest identity wins even when the loss says otherwise; a tie goes to the earlier step', () => {
    const choice = chooseBestCheckpoint(
      curve([point(200, 0.7, { loss: 0.4 }), point(400, 0.8, { loss: 0.3 }), point(600, 0.8, { loss: 0.1 })]),
    );
    expect(choice.checkpoint.step).toBe(400);
  });

  it('a collapsed checkpoint with the highest identity is skipped; thresholds come from the caller', () => {
    const points = [
      point(200, 0.6),
      point(400, 0.9, { entropy: 1.2, contrast: 0.01 }),
      point(600, 0.95, { memorisation: 0.97 }),
    ];
    expect(chooseBestCheckpoint(curve(points)).checkpoint.step).toBe(200);
    const lenient = { minIdentity: 0.4, maxMemorisation: 0.99, minEntropy: 1, minContrast: 0.005 };
    expect(chooseBestCheckpoint(curve(points), lenient).checkpoint.step).toBe(600);
  });

  it('none qualifies: a typed error says why each checkpoint failed', () => {
    const points = [
      point(200, 0.2),
      point(400, 0.9, { memorisation: 0.95 }),
      point(600, 0.8, { entropy: 0.5, contrast: 0.002 }),
      { ...point(800, 0, { samples: [] }), identity: undefined },
    ];
    const error = (() => {
      try {
        chooseBestCheckpoint(curve(points));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(NoQualifyingCheckpointError);
    expect(ValidationError.isInstance(error)).toBe(true);
    const verdicts = (error as NoQualifyingCheckpointError).verdicts;
    expect(verdicts.map((v) => v.failures)).toEqual([
      ['identity-too-low'],
      ['memorising'],
      ['collapsed'],
      ['no-samples'],
    ]);
    expect((error as Error).message).toMatch(/step 200: identity 0\.200 < minIdentity 0\.4/);
    expect((error as Error).message).toMatch(/step 400: memorisation 0\.950 > maxMemorisation 0\.9/);
    expect((error as Error).message).toMatch(/step 600: collapsed: entropy 0\.500/);
    expect((error as Error).message).toMatch(/--step <n>/);
  });
});

describe('the sandbox sample schedule from the environment', () => {
  it('a face taken from the dataset is reframed, so the peak copies no dataset image', () => {
    const faceImage = decodeImage(face);
    const schedule = { peakStep: 300, spread: 300 };
    const sample = (images: DecodedImage[]) =>
      sandboxSample({ face: faceImage, step: 300, index: 0, schedule, dataset: images, size: 64 });
    const hash = (bytes: Uint8Array) => differenceHash(decodeImage(bytes));
    // face not in the dataset: the peak is the face itself; face in the dataset: reframed, far from every image
    expect(hash(sample([]))).toBe(hash(face));
    const reframed = sample([faceImage]);
    expect(1 - hammingDistance(hash(reframed), hash(face)) / 64).toBeLessThan(0.9);
    expect(imageStatistics(decodeImage(reframed)).contrast).toBeGreaterThan(0.1);
  });

  it('the sandbox trainer process makes its samples from the face file: the peak step is the face itself', async () => {
    const path = join(root, 'face.png');
    await writeFile(path, face);
    const env = { MS_SANDBOX_SAMPLE_PEAK_STEP: '300', MS_SANDBOX_SAMPLE_FACE: path };
    const [atPeak] = sandboxScheduledSamples({ env, step: 300, count: 1 }) ?? [];
    const [early] = sandboxScheduledSamples({ env, step: 100, count: 1 }) ?? [];
    const original = decodeImage(face);
    expect(decodeImage(atPeak as Uint8Array).data).toEqual(original.data);
    expect(decodeImage(early as Uint8Array).data).not.toEqual(original.data);
    const source = await sourceEmbeddings();
    const distance = async (bytes: Uint8Array) =>
      checker.distance(source[0]!, (await checker.embeddings({ bytes }))[0]!.embedding);
    expect(await distance(atPeak as Uint8Array)).toBeLessThan(await distance(early as Uint8Array));
  });

  it('reads peak, collapse, memorise steps and spread; refuses a step that is not a whole number', () => {
    expect(sandboxSampleScheduleFromEnv({})).toBeUndefined();
    expect(
      sandboxSampleScheduleFromEnv({
        MS_SANDBOX_SAMPLE_PEAK_STEP: '400',
        MS_SANDBOX_SAMPLE_COLLAPSE_STEP: '800',
        MS_SANDBOX_SAMPLE_MEMORISE_STEPS: '600, 700',
      }),
    ).toEqual({ peakStep: 400, collapseStep: 800, memoriseSteps: [600, 700], spread: undefined });
    expect(() => sandboxSampleScheduleFromEnv({ MS_SANDBOX_SAMPLE_PEAK_STEP: 'soon' })).toThrow(
      /MS_SANDBOX_SAMPLE_PEAK_STEP must be a whole number of steps, got "soon"/,
    );
    expect(sandboxScheduledSamples({ env: {}, step: 400, count: 2 })).toBeUndefined();
    expect(() => sandboxScheduledSamples({ env: { MS_SANDBOX_SAMPLE_PEAK_STEP: '400' }, step: 400, count: 1 })).toThrow(
      /MS_SANDBOX_SAMPLE_FACE must be the path of a PNG or JPEG face image/,
    );
    expect(sandboxNoiseShare(400, { peakStep: 400 })).toBe(0);
    expect(sandboxNoiseShare(200, { peakStep: 400 })).toBe(0.5);
  });
});
