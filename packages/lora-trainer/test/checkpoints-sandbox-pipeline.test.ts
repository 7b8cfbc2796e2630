import { type FaceChecker, storageKeys } from '@model-studio/core';
import { pack } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chooseBestCheckpoint,
  computeCheckpointCurve,
  decodeImage,
  imageStatistics,
  lastCheckpointCollapsed,
} from '../src/checkpoints/index.js';
import { encodeSandboxPng } from '../src/testing/sandbox-png.js';
import { recordLoraVersion } from '../src/versions/record-lora-version.js';
import { datasetPrefix, type RunpodHarness, runpodHarness, simpleTunerCheckpointConfig } from './runpod-harness.js';

/** 64x64 pictures: rings (the face, first in the archive, so the sandbox trainer takes it as the face) and stripes. */
function picture(kind: 'face' | 'stripes' | 'checks'): Uint8Array {
  const rgb = new Uint8Array(64 * 64 * 3);
  for (let i = 0; i < 64 * 64; i++) {
    const [x, y] = [i % 64, Math.floor(i / 64)];
    const value =
      kind === 'face'
        ? 128 + 100 * Math.cos(Math.hypot(x - 32, y - 28) / 4)
        : kind === 'stripes'
          ? (x >> 3) % 2
            ? 220
            : 30
          : ((x >> 3) + (y >> 3)) % 2
            ? 200
            : 40;
    rgb.set([value, value * 0.8, value * 0.6], i * 3);
  }
  return encodeSandboxPng(64, 64, rgb);
}
const images = { 'andie-1.png': picture('face'), 'andie-2.png': picture('stripes'), 'andie-3.png': picture('checks') };

async function datasetTar(): Promise<Uint8Array> {
  const archive = pack();
  for (const [name, bytes] of Object.entries(images)) {
    archive.entry({ name: `simpletuner/images/${name}` }, Buffer.from(bytes));
    archive.entry({ name: `simpletuner/images/${name.replace('.png', '.txt')}` }, 'photo of andie woman');
  }
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * A face checker for these tests that does not care where the face sits (the sandbox reframes a face taken from the
 * dataset): the embedding is the unit-norm 16-bin luminance histogram; an image without contrast has no face.
 */
function histogramFaceChecker(): FaceChecker {
  const embed = (bytes: Uint8Array) => {
    const image = decodeImage(bytes);
    if (imageStatistics(image).contrast < 0.02) return undefined;
    const bins = new Float32Array(16);
    for (let i = 0; i < image.width * image.height; i++) {
      const o = i * 4;
      const y = 0.299 * (image.data[o] ?? 0) + 0.587 * (image.data[o + 1] ?? 0) + 0.114 * (image.data[o + 2] ?? 0);
      bins[Math.min(15, Math.floor(y / 16))] = (bins[Math.min(15, Math.floor(y / 16))] ?? 0) + 1;
    }
    const norm = Math.hypot(...bins);
    return bins.map((v) => v / norm);
  };
  const box = { x: 0, y: 0, width: 1, height: 1 };
  return {
    specificationVersion: 'v1',
    provider: 'histogram-test',
    faces: async (image) => ('bytes' in image && embed(image.bytes) ? [{ box, confidence: 1 }] : []),
    embeddings: async (image) => {
      const embedding = 'bytes' in image ? embed(image.bytes) : undefined;
      return embedding ? [{ box, confidence: 1, embedding }] : [];
    },
    distance: (a, b) => Math.hypot(...a.map((v, i) => v - (b[i] ?? 0))) / Math.SQRT2,
    quality: async () => {
      throw new Error('not used');
    },
  };
}

let harness: RunpodHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the sandbox pipeline: RunPod sandbox training -> version -> curve -> --best', () => {
  it('samples scheduled through the pod env peak at the known step; --best picks it; the collapse is flagged', async () => {
    harness = await runpodHarness();
    const { storage } = harness;
    await storage.put(`${datasetPrefix}/dataset.tar`, await datasetTar());
    for (const [name, bytes] of Object.entries(images)) {
      await storage.put(`${datasetPrefix}/simpletuner/images/${name}`, bytes);
    }
    const trainer = harness.trainer({
      sampleCount: 1,
      env: { MS_SANDBOX_SAMPLE_PEAK_STEP: '8', MS_SANDBOX_SAMPLE_COLLAPSE_STEP: '11', MS_SANDBOX_SAMPLE_SPREAD: '8' },
    });
    const config = {
      ...simpleTunerCheckpointConfig,
      lora_rank: 4,
      checkpoint_step_interval: 2,
      validation_step_interval: 2,
    };
    const job = await trainer.start({ model: 'andie', datasetPrefix, config, runId: 'andie-best' });
    expect((await trainer.wait(job)).status).toBe('completed');
    await recordLoraVersion({
      storage,
      model: 'andie',
      version: 'v1',
      family: 'flux',
      config,
      datasetManifest: { version: 'v1' },
      artifacts: await trainer.fetchArtifacts(job),
    });
    const checker = histogramFaceChecker();
    const [source] = await checker.embeddings({ bytes: images['andie-1.png'] });
    const curve = await computeCheckpointCurve({
      storage,
      model: 'andie',
      version: 'v1',
      identity: { faceChecker: checker, sourceEmbeddings: [source!.embedding] },
    });
    expect(curve.sandbox).toBe(true);
    expect(curve.checkpoints.map((point) => point.step)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(curve.checkpoints.every((point) => point.samples.length > 0)).toBe(true);
    const choice = chooseBestCheckpoint(curve);
    expect(choice.checkpoint.step).toBe(8);
    expect(choice.checkpoint.weights).toBe(
      storageKeys.lora('andie', 'v1', 'checkpoints/checkpoint-8/pytorch_lora_weights.safetensors'),
    );
    expect(lastCheckpointCollapsed(curve)?.step).toBe(12);
    expect(curve.checkpoints.every((point) => (point.memorisation ?? 0) < 0.9)).toBe(true);
  }, 120_000);
});
