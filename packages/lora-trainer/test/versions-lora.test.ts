import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, NotFoundError, StorageError, ValidationError } from '@model-studio/core';
import { createMockFaceChecker, mockEmbedding, mockImage } from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildSimpleTunerConfig,
  compareLoraVersions,
  exportLoraVersion,
  listLoraVersions,
  promoteLoraVersion,
  recordLoraVersion,
  sandboxLoraFile,
  showLoraVersion,
} from '../src/index.js';

let root: string;
let storage: LocalStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lora-versions-'));
  storage = new LocalStorage({ root, signedUrls: {} });
});
afterEach(async () => {
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

const encoder = new TextEncoder();

function metrics(losses: number[]): Uint8Array {
  const lines = losses.map((loss, i) =>
    JSON.stringify({ step: (i + 1) * 10, metrics: { train_loss: loss, learning_rate: 1e-4 } }),
  );
  return encoder.encode(`${lines.join('\n')}\n{"step": 99, "metr`);
}

async function record(version: string, rank: number, losses: number[], who: string[], minute: number) {
  const config = buildSimpleTunerConfig({
    family: 'flux',
    trigger: 'andie',
    overrides: { lora_rank: rank, lora_alpha: rank },
  });
  return recordLoraVersion({
    storage,
    model: 'andie',
    version,
    family: 'flux',
    config,
    datasetManifest: { version: 'd1', files: [] },
    trainer: { provider: 'runpod-sandbox', jobId: `pod-${version}` },
    artifacts: [
      { name: 'output/models/pytorch_lora_weights.safetensors', bytes: sandboxLoraFile({ family: 'flux', rank }) },
      { name: 'output/models/training_metrics.jsonl', bytes: metrics(losses) },
      ...who.map((identity, i) => ({
        name: `validation/sample-${i}.png`,
        bytes: mockImage({ faces: [{ identity }] }),
      })),
    ],
    samplePrompts: { 'sample-0.png': 'a photo of andie woman' },
    now: () => new Date(Date.UTC(2026, 11, 6, 12, minute)),
  });
}

describe('LoRA versions over LocalStorage', () => {
  it('records a version with the checked header, hash, metrics and samples; lists and shows it', async () => {
    const v1 = await record('v1', 16, [0.5, 0.4, 0.3], ['andie', 'andie'], 0);
    const bytes = await readFile(join(root, 'models/andie/loras/v1/pytorch_lora_weights.safetensors'));
    expect(v1.artifact).toMatchObject({
      file: 'pytorch_lora_weights.safetensors',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.byteLength,
      rank: 16,
      format: 'diffusers',
      dtype: 'BF16',
    });
    expect(v1.sandbox).toBe(true);
    expect(v1.metrics).toEqual({ steps: 30, finalLoss: 0.3, minLoss: 0.3 });
    expect(v1.datasetVersion).toBe('d1');
    await record('v2', 8, [0.6, 0.35], ['andie', 'stranger'], 5);

    const list = await listLoraVersions(storage, 'andie');
    expect(list.map((v) => [v.version, v.final])).toEqual([
      ['v1', false],
      ['v2', false],
    ]);
    const shown = await showLoraVersion(storage, 'andie', 'v1');
    expect(shown.loss).toEqual([
      { step: 10, loss: 0.5 },
      { step: 20, loss: 0.4 },
      { step: 30, loss: 0.3 },
    ]);
    expect(shown.config.lora_rank).toBe(16);
    expect(shown.keys.samples).toEqual([
      'models/andie/loras/v1/samples/sample-0.png',
      'models/andie/loras/v1/samples/sample-1.png',
    ]);
    expect(shown.record.samples[0]?.prompt).toBe('a photo of andie woman');
  });

  it('shows sample identity with a face checker, saying a sandbox measures the pipeline', async () => {
    await record('v2', 8, [0.6, 0.35], ['andie', 'stranger'], 5);
    const shown = await showLoraVersion(storage, 'andie', 'v2', {
      identity: { faceChecker: createMockFaceChecker(), sourceEmbedding: mockEmbedding('andie') },
    });
    expect(shown.identity?.samples.map((s) => s.samePerson)).toEqual([true, false]);
    expect(shown.identity?.samePersonShare).toBe(0.5);
    expect(shown.identity?.note).toContain('measure the pipeline, not a trained model');
  });

  it('compares two versions: config diff, loss chart SVG, sample grid SVG, identity; and stores them', async () => {
    await record('v1', 16, [0.5, 0.4, 0.3], ['andie', 'andie'], 0);
    await record('v2', 8, [0.6, 0.35], ['andie', 'stranger'], 5);
    const comparison = await compareLoraVersions(storage, 'andie', 'v1', 'v2', {
      identity: { faceChecker: createMockFaceChecker(), sourceEmbedding: mockEmbedding('andie') },
      write: true,
    });
    expect(comparison.configDiff).toEqual([
      { key: 'lora_alpha', a: 16, b: 8 },
      { key: 'lora_rank', a: 16, b: 8 },
    ]);
    expect(comparison.artifacts.find((row) => row.field === 'rank')).toEqual({ field: 'rank', a: 16, b: 8 });
    expect(comparison.lossChartSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(comparison.lossChartSvg).toContain('Training loss (sandbox: not a trained model)');
    expect(comparison.lossChartSvg).toContain('v2');
    expect(comparison.sampleGridSvg.match(/<image /g)).toHaveLength(4);
    expect(comparison.sampleGridSvg).toContain('v1 (sandbox)');
    expect(comparison.identity?.a.samePersonShare).toBe(1);
    expect(comparison.identity?.b.samePersonShare).toBe(0.5);
    const stored = await readFile(join(root, 'models/andie/loras/v1/compare-v2/loss-chart.svg'), 'utf8');
    expect(stored).toBe(comparison.lossChartSvg);
  });

  it('promotes one as final, replacing the earlier choice', async () => {
    await record('v1', 16, [0.5], ['andie'], 0);
    const v2 = await record('v2', 8, [0.4], ['andie'], 5);
    await promoteLoraVersion(storage, 'andie', 'v1');
    const pointer = await promoteLoraVersion(storage, 'andie', 'v2');
    expect(pointer).toMatchObject({ version: 'v2', sha256: v2.artifact.sha256 });
    expect((await listLoraVersions(storage, 'andie')).map((v) => v.final)).toEqual([false, true]);
    expect((await showLoraVersion(storage, 'andie', 'v2')).final).toBe(true);
  });

  it('exports as a signed URL that downloads the same bytes, or as a checked local copy', async () => {
    const v1 = await record('v1', 4, [0.5], ['andie'], 0);
    const link = await exportLoraVersion(storage, 'andie', 'v1', { to: 'url', expiresIn: 600 });
    if (link.to !== 'url') throw new Error('expected a URL export');
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    const downloaded = new Uint8Array(await response.arrayBuffer());
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(v1.artifact.sha256);

    const target = join(root, 'exports/andie-v1.safetensors');
    const copy = await exportLoraVersion(storage, 'andie', 'v1', { to: 'file', path: target });
    expect(copy).toMatchObject({ to: 'file', path: target, size: v1.artifact.size });
    expect(
      createHash('sha256')
        .update(await readFile(target))
        .digest('hex'),
    ).toBe(v1.artifact.sha256);
  });

  it('refuses a tampered copy, unknown versions, a rank mismatch, a duplicate, and output without a LoRA', async () => {
    await record('v1', 4, [0.5], ['andie'], 0);
    await storage.put(
      'models/andie/loras/v1/pytorch_lora_weights.safetensors',
      sandboxLoraFile({ family: 'flux', rank: 8 }),
    );
    const target = join(root, 'exports/bad.safetensors');
    await expect(exportLoraVersion(storage, 'andie', 'v1', { to: 'file', path: target })).rejects.toThrow(StorageError);
    await expect(readFile(target)).rejects.toThrow(/ENOENT/);

    await expect(showLoraVersion(storage, 'andie', 'v9')).rejects.toThrow(NotFoundError);
    await expect(promoteLoraVersion(storage, 'andie', 'v9')).rejects.toThrow(/does not exist/);
    await expect(record('v1', 4, [0.5], ['andie'], 0)).rejects.toThrow(/exists already/);
    const config = buildSimpleTunerConfig({ family: 'flux', trigger: 'andie' });
    const base = { storage, model: 'andie', family: 'flux' as const, config };
    await expect(
      recordLoraVersion({
        ...base,
        version: 'v3',
        artifacts: [{ name: 'x.safetensors', bytes: sandboxLoraFile({ family: 'flux', rank: 4 }) }],
      }),
    ).rejects.toThrow(/header says rank 4 but the config trained rank 16/);
    await expect(
      recordLoraVersion({ ...base, version: 'v4', artifacts: [{ name: 'log.txt', bytes: encoder.encode('x') }] }),
    ).rejects.toThrow(ValidationError);
    await expect(
      recordLoraVersion({
        ...base,
        version: 'v5',
        artifacts: [{ name: 'a.safetensors', bytes: encoder.encode('not a lora') }],
      }),
    ).rejects.toThrow(/Not a valid .safetensors/);
  });

  it('removes the samples an interrupted recording of the same version left', async () => {
    const stale = 'models/andie/loras/v1/samples/stale.png';
    await storage.put(stale, new Uint8Array([1]));
    const v1 = await record('v1', 4, [0.5], ['andie'], 0);
    expect(await storage.head(stale)).toBeUndefined();
    expect(v1.samples.map((s) => s.file)).toEqual(['sample-0.png']);
  });

  it('refuses a URL export when the storage cannot sign', async () => {
    const plain = new LocalStorage({ root });
    await record('v1', 4, [0.5], ['andie'], 0);
    await expect(exportLoraVersion(plain, 'andie', 'v1', { to: 'url' })).rejects.toThrow(/cannot sign URLs/);
    await plain.close();
  });
});
