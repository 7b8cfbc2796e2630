import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalStorage, ValidationError } from '@model-studio/core';
import { parse as parseToml } from 'smol-toml';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildDataset,
  buildSimpleTunerConfig,
  type DatasetCandidate,
  datasetArchiveKey,
  preflightImagesFromManifest,
  runPreflight,
  selectDatasetImages,
} from '../src/index.js';
import { candidate } from './fixtures/dataset-candidates.js';

let root: string;
let storage: LocalStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lora-dataset-'));
  storage = new LocalStorage({ root });
});
afterEach(async () => {
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

async function tarEntries(path: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const reader = extract();
  Readable.from(await readFile(path)).pipe(reader as unknown as NodeJS.WritableStream);
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.set(entry.header.name, Buffer.concat(chunks));
  }
  return entries;
}

describe('selectDatasetImages', () => {
  it('gives every candidate a decision with its reason', () => {
    const twinHash = candidate(1).perceptualHash as string;
    const flipped = (Number.parseInt(twinHash.slice(-1), 16) ^ 1).toString(16);
    const candidates: DatasetCandidate[] = [
      candidate(1),
      candidate(2, { score: 0.6 }),
      candidate(3, { score: undefined }),
      candidate(4, { identity: { samePerson: false, distance: 0.9 } }),
      candidate(5, { identity: undefined }),
      candidate(6, { caption: undefined }),
      candidate(7, { caption: { text: 'a photo', state: 'generated' } }),
      candidate(8, { perceptualHash: twinHash.slice(0, -1) + flipped, score: 0.7 }),
      candidate(9, { name: 'andie-s1-t009-sfw-enhanced.webp' }),
      candidate(10, { caption: { text: 'edited by hand', state: 'edited' } }),
    ];
    const decisions = selectDatasetImages(candidates);
    expect(decisions.map((d) => d.reason)).toEqual([
      'selected',
      'score-below-threshold',
      'score-missing',
      'not-same-person',
      'identity-unknown',
      'caption-missing',
      'caption-not-reviewed',
      'near-duplicate',
      'webp-not-supported',
      'selected',
    ]);
    expect(decisions[1]?.detail).toBe('score 0.6 is not above the threshold 0.6');
    expect(decisions[7]).toMatchObject({ duplicateOf: candidates[0]?.name });
    expect(decisions[3]?.detail).toContain('distance 0.9');
  });

  it('keeps the higher-scored image of a near-duplicate pair, and unreviewed captions when allowed', () => {
    const hash = 'ffffffffffffffff';
    const decisions = selectDatasetImages(
      [
        candidate(1, { perceptualHash: hash, score: 0.7, caption: { text: 'x', state: 'generated' } }),
        candidate(2, { perceptualHash: 'fffffffffffffff0', score: 0.9 }),
      ],
      { allowUnreviewed: true },
    );
    expect(decisions.map((d) => d.reason)).toEqual(['near-duplicate', 'selected']);
  });
});

describe('buildDataset', () => {
  it('writes both layouts, the manifest with hashes, and an archive that lists the files', async () => {
    const candidates = [candidate(1), candidate(2), candidate(3, { score: 0.2 })];
    const progress: string[] = [];
    const result = await buildDataset({
      storage,
      model: 'andie',
      version: 'v1',
      candidates,
      family: 'flux',
      trigger: 'andie',
      classWord: 'woman',
      repeats: 10,
      onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`),
    });
    const prefix = join(root, 'models/andie/datasets/v1');
    expect(result.prefix).toBe('models/andie/datasets/v1/');
    expect(progress).toEqual(['select:3/3', 'write:1/2', 'write:2/2', 'finish:2/2']);

    const name = candidates[0]?.name as string;
    const image = await readFile(join(prefix, 'simpletuner/images', name));
    expect(await readFile(join(prefix, 'kohya/10_andie woman', name))).toEqual(image);
    expect(await readFile(join(prefix, 'simpletuner/images', name.replace('.jpg', '.txt')), 'utf8')).toBe(
      'a photo of andie woman, pose 1\n',
    );

    const backends = JSON.parse(await readFile(join(prefix, 'simpletuner/multidatabackend.json'), 'utf8'));
    expect(backends[0]).toMatchObject({ repeats: 9, instance_data_dir: '/workspace/dataset/simpletuner/images' });
    expect(backends.filter((b: { default?: boolean }) => b.default === true)).toHaveLength(1);

    const toml = parseToml(await readFile(join(prefix, 'kohya/dataset.toml'), 'utf8')) as {
      general: { caption_extension: string };
      datasets: Array<{ subsets: Array<Record<string, unknown>> }>;
    };
    expect(toml.general.caption_extension).toBe('.txt');
    expect(toml.datasets[0]?.subsets[0]).toMatchObject({ num_repeats: 10, class_tokens: 'andie woman' });

    const manifest = JSON.parse(await readFile(join(prefix, 'manifest.json'), 'utf8'));
    expect(manifest.files).toHaveLength(2);
    expect(manifest.files[0]).toMatchObject({
      file: name,
      sha256: createHash('sha256').update(image).digest('hex'),
      size: image.byteLength,
      caption: 'a photo of andie woman, pose 1',
      score: 0.8,
    });
    expect(manifest.files[0].reason).toContain('score 0.8 > 0.6');
    expect(manifest.rejected).toEqual([expect.objectContaining({ reason: 'score-below-threshold' })]);

    const tarBytes = await readFile(join(prefix, 'dataset.tar'));
    expect(manifest.archive.sha256).toBe(createHash('sha256').update(tarBytes).digest('hex'));
    expect(manifest.archive.size).toBe(tarBytes.byteLength);
    const entries = await tarEntries(join(prefix, 'dataset.tar'));
    expect([...entries.keys()]).toEqual(manifest.archive.files);
    expect([...entries.keys()].sort()).toEqual(
      [
        'simpletuner/images/andie-s1-t001-sfw-enhanced.jpg',
        'simpletuner/images/andie-s1-t001-sfw-enhanced.txt',
        'simpletuner/images/andie-s1-t002-sfw-enhanced.jpg',
        'simpletuner/images/andie-s1-t002-sfw-enhanced.txt',
        'simpletuner/multidatabackend.json',
      ].sort(),
    );
    expect(entries.get(`simpletuner/images/${name}`)).toEqual(image);
  });

  it('writes the SimpleTuner layout only when asked, flattening multi-line captions', async () => {
    await buildDataset({
      storage,
      model: 'andie',
      version: 'v2',
      candidates: [candidate(1, { caption: { text: 'line one\nline two', state: 'reviewed' } })],
      family: 'sd15',
      trigger: 'andie',
      classWord: 'woman',
      repeats: 1,
      layouts: ['simpletuner'],
    });
    const keys: string[] = [];
    for await (const info of storage.list({ prefix: 'models/andie/datasets/v2/' })) keys.push(info.key);
    expect(keys.some((key) => key.includes('/kohya/'))).toBe(false);
    const txt = await readFile(
      join(root, 'models/andie/datasets/v2/simpletuner/images/andie-s1-t001-sfw-enhanced.txt'),
      'utf8',
    );
    expect(txt).toBe('line one line two\n');
    const backends = JSON.parse(
      await readFile(join(root, 'models/andie/datasets/v2/simpletuner/multidatabackend.json'), 'utf8'),
    );
    expect(backends[0]).toMatchObject({ repeats: 0, resolution: 512, resolution_type: 'pixel' });
  });

  it('refuses when nothing passes, saying why', async () => {
    const attempt = buildDataset({
      storage,
      model: 'andie',
      version: 'v1',
      candidates: [candidate(1, { score: 0.1 }), candidate(2, { caption: { text: 'x', state: 'generated' } })],
      family: 'flux',
      trigger: 'andie',
      classWord: 'woman',
    });
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toThrow(/1 score-below-threshold, 1 caption-not-reviewed/);
  });

  it('refuses an existing version, a path in a name, and bad repeats', async () => {
    const base = { storage, model: 'andie', family: 'flux' as const, trigger: 'andie', classWord: 'woman' };
    await buildDataset({ ...base, version: 'v1', candidates: [candidate(1)] });
    await expect(buildDataset({ ...base, version: 'v1', candidates: [candidate(1)] })).rejects.toThrow(
      /exists already/,
    );
    await expect(
      buildDataset({ ...base, version: 'v3', candidates: [candidate(1, { name: '../escape.jpg' })] }),
    ).rejects.toThrow(/plain file name/);
    await expect(buildDataset({ ...base, version: 'v4', candidates: [candidate(1)], repeats: 0 })).rejects.toThrow(
      /repeats must be an integer of at least 1/,
    );
  });

  it('removes what an interrupted build of the same version left', async () => {
    const stale = 'models/andie/datasets/v7/kohya/10_andie woman/old-image.jpg';
    await storage.put(stale, new Uint8Array([1, 2, 3]));
    await buildDataset({
      storage,
      model: 'andie',
      version: 'v7',
      candidates: [candidate(1)],
      family: 'flux',
      trigger: 'andie',
      classWord: 'woman',
    });
    expect(await storage.head(stale)).toBeUndefined();
    expect(await storage.head('models/andie/datasets/v7/manifest.json')).toBeDefined();
  });

  it('fails with the read error of an image and keeps no archive or manifest', async () => {
    const broken = candidate(2, {
      read: async () => {
        throw new Error('EIO: the disk holding andie-s1-t002 failed');
      },
    });
    const attempt = buildDataset({
      storage,
      model: 'andie',
      version: 'v8',
      candidates: [candidate(1), broken],
      family: 'flux',
      trigger: 'andie',
      classWord: 'woman',
    });
    await expect(attempt).rejects.toThrow(/EIO: the disk holding andie-s1-t002 failed/);
    expect(await storage.head('models/andie/datasets/v8/dataset.tar')).toBeUndefined();
    expect(await storage.head('models/andie/datasets/v8/manifest.json')).toBeUndefined();
  });

  it('stops when aborted and leaves no manifest', async () => {
    const controller = new AbortController();
    const candidates = [1, 2, 3].map((n) => candidate(n));
    const attempt = buildDataset({
      storage,
      model: 'andie',
      version: 'v5',
      candidates,
      family: 'flux',
      trigger: 'andie',
      classWord: 'woman',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && p.done === 1) controller.abort(new Error('stopped by the user'));
      },
    });
    await expect(attempt).rejects.toThrow(/stopped by the user/);
    expect(await storage.head('models/andie/datasets/v5/manifest.json')).toBeUndefined();
    expect(await storage.head('models/andie/datasets/v5/dataset.tar')).toBeUndefined();
  });

  it('feeds the pre-flight: manifest sizes and captions, the stored multidatabackend.json', async () => {
    const result = await buildDataset({
      storage,
      model: 'andie',
      version: 'v6',
      candidates: [candidate(1), candidate(2, { width: 1536, height: 1024 })],
      family: 'sdxl',
      trigger: 'andie',
      classWord: 'woman',
      repeats: 1,
    });
    expect(result.manifest.archive.key).toBe(datasetArchiveKey('andie', 'v6'));
    const images = preflightImagesFromManifest(result.manifest);
    expect(images[1]).toMatchObject({ width: 1536, height: 1024, caption: 'a photo of andie woman, pose 2' });
    const backends = JSON.parse(
      await readFile(join(root, 'models/andie/datasets/v6/simpletuner/multidatabackend.json'), 'utf8'),
    );
    const config = buildSimpleTunerConfig({ family: 'sdxl', trigger: 'andie', overrides: { train_batch_size: 2 } });
    const report = await runPreflight({ family: 'sdxl', config, backends, images, hub: false });
    // two images in two aspect buckets, one pass each (kohya repeats 1): no bucket fills a batch of 2
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.check)).toEqual(['buckets']);
  });
});
