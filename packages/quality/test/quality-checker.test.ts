import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStorage, ValidationError } from '@model-studio/core';
import { faceCheckerContractTests } from '@model-studio/core/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchResult, createQualityChecker, type QualityChecker } from '../src/index.js';
import { astronaut, badImage, badImagesDir, bomb, coffee, face, faceLabels, grace } from './fixtures.js';

// One checker (two workers) for every model test in this file: loading the models is the slow part.
let checker: QualityChecker;
beforeAll(() => {
  checker = createQualityChecker({ workers: 2 });
});
afterAll(async () => {
  await checker?.close();
});

async function sideBySide(a: Uint8Array, b: Uint8Array): Promise<Uint8Array> {
  const left = await sharp(a).resize(512, 512).removeAlpha().toBuffer();
  const right = await sharp(b).resize(512, 512).removeAlpha().toBuffer();
  const out = await sharp({ create: { width: 1024, height: 512, channels: 3, background: '#808080' } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: right, left: 512, top: 0 },
    ])
    .jpeg()
    .toBuffer();
  return new Uint8Array(out);
}

describe('face counts on the public-domain fixtures', () => {
  for (const [name, label] of Object.entries(faceLabels)) {
    it(`${name}: ${label.faces} face(s) (${label.category})`, async () => {
      const faces = await checker.detectFaces({ bytes: face(name) });
      expect(faces).toHaveLength(label.faces);
      for (const f of faces) {
        expect(f.confidence).toBeGreaterThan(0.5);
        expect(f.box.width).toBeGreaterThan(20);
      }
    });
  }
});

describe('bad images through the checker', () => {
  it('analyses or refuses every bad image with a ValidationError, without crashing the workers', async () => {
    const inputs = readdirSync(badImagesDir)
      .filter((f) => !f.endsWith('.md'))
      .map((f) => ({ id: f, bytes: badImage(f) }));
    inputs.push({ id: 'bomb.jpg', bytes: await bomb('jpeg') }, { id: 'bomb.png', bytes: await bomb('png') });
    for (const { id, bytes } of inputs) {
      const outcome = await checker.analyze({ bytes }).then(
        (analysis) => ({ faces: analysis.faces.length }),
        (error: unknown) => ({ validation: ValidationError.isInstance(error), message: (error as Error).message }),
      );
      if ('validation' in outcome) expect(outcome, id).toMatchObject({ validation: true });
      else expect(outcome.faces, id).toBeLessThanOrEqual(1);
    }
    for (const id of ['zero-byte.jpg', 'truncated-header-only.jpg', 'bomb.jpg', 'bomb.png']) {
      const bytes = inputs.find((i) => i.id === id)!.bytes;
      await expect(checker.faces({ bytes }), id).rejects.toThrow(/empty|could not be decoded/);
    }
    // The workers are still fine.
    expect(await checker.faces({ bytes: face(grace) })).toHaveLength(1);
  });
});

describe('identity', () => {
  it('matches rotated copies of a person to the original and tells two people apart', async () => {
    const embed = async (name: string) => {
      const faces = await checker.embeddings({ bytes: face(name) });
      expect(faces).toHaveLength(1);
      expect(faces[0]!.embedding).toHaveLength(128);
      return faces[0]!.embedding;
    };
    const hopper = await embed(grace);
    const collins = await embed(astronaut);
    for (const rotated of ['synth__grace_hopper_rot180.jpg', 'synth__grace_hopper_tilt25.jpg']) {
      expect(checker.isSamePerson(hopper, await embed(rotated))).toBe(true);
    }
    expect(checker.isSamePerson(collins, await embed('synth__astronaut_rot90cw.png'))).toBe(true);
    expect(checker.distance(hopper, collins)).toBeGreaterThan(checker.identityThreshold);
    expect(checker.isSamePerson(hopper, collins)).toBe(false);
  });

  it('embeds given boxes only', async () => {
    const [found] = await checker.faces({ bytes: face(grace) });
    const embedded = await checker.embeddings({ bytes: face(grace) }, { boxes: [found!.box] });
    expect(embedded).toHaveLength(1);
    expect(embedded[0]!.box).toEqual(found!.box);
  });
});

describe('EXIF orientation', () => {
  it('detects the face of an EXIF-rotated JPEG in upright coordinates', async () => {
    // Portrait crop of Grace Hopper, stored turned 90 degrees counter-clockwise with orientation 6 (display: turn clockwise).
    const upright = await sharp(face(grace)).extract({ left: 56, top: 0, width: 400, height: 512 }).jpeg().toBuffer();
    const stored = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(stored).metadata()).width).toBe(512);
    const [reference] = await checker.faces({ bytes: new Uint8Array(upright) });
    const analysis = await checker.analyze({ bytes: new Uint8Array(stored) });
    expect({ width: analysis.width, height: analysis.height }).toEqual({ width: 400, height: 512 });
    expect(analysis.faces).toHaveLength(1);
    const box = analysis.faces[0]!.box;
    expect(Math.abs(box.x - reference!.box.x)).toBeLessThan(12);
    expect(Math.abs(box.y - reference!.box.y)).toBeLessThan(12);
  });
});

describe('rules per use', () => {
  it('accepts a one-face source and returns its embedding', async () => {
    const result = await checker.checkSource({ bytes: face(grace) });
    expect(result).toMatchObject({ ok: true, reasons: [], width: 512, height: 512 });
    expect(result.faces).toHaveLength(1);
    expect(result.embedding).toHaveLength(128);
  });

  it('refuses a source without a face, with two faces, or that cannot be decoded', async () => {
    const none = await checker.checkSource({ bytes: face(coffee) });
    expect(none.ok).toBe(false);
    expect(none.reasons.map((r) => r.code)).toEqual(['no-face']);
    const two = await checker.checkSource({ bytes: await sideBySide(face(grace), face(astronaut)) });
    expect(two.reasons.map((r) => r.code)).toEqual(['multiple-faces']);
    expect(two.reasons[0]!.message).toMatch(/2 faces/);
    const broken = await checker.checkSource({ bytes: new TextEncoder().encode('<html>not an image</html>') });
    expect(broken).toMatchObject({ ok: false, faces: [], width: 0 });
    expect(broken.reasons[0]!.code).toBe('unreadable');
  });

  it('checks targets against a configurable minimum face count', async () => {
    const pair = await sideBySide(face(grace), face(astronaut));
    expect((await checker.checkTarget({ bytes: pair })).ok).toBe(true);
    const strict = await checker.checkTarget({ bytes: pair }, { minFaces: 3 });
    expect(strict.ok).toBe(false);
    expect(strict.reasons[0]).toMatchObject({ code: 'too-few-faces' });
    expect((await checker.checkTarget({ bytes: face(coffee) })).reasons[0]!.code).toBe('no-face');
  });

  it('accepts a swap result showing the source person and refuses another person or no face', async () => {
    const source = await checker.checkSource({ bytes: face(grace) });
    const same = await checker.checkSwapResult(face('synth__grace_hopper_tilt25.jpg'), source.embedding!);
    expect(same.ok).toBe(true);
    expect(same.distance).toBeLessThan(same.threshold);
    const other = await checker.checkSwapResult(face(astronaut), source.embedding!);
    expect(other.ok).toBe(false);
    expect(other.reasons[0]!.code).toBe('identity-mismatch');
    expect(other.distance).toBeGreaterThan(other.threshold);
    const empty = await checker.checkSwapResult({ bytes: face(coffee) }, source.embedding!);
    expect(empty.reasons[0]!.code).toBe('no-face');
    expect(empty.distance).toBeUndefined();
  });
});

describe('image sources by key', () => {
  it('refuses a key source without storage, with a message saying what to pass', async () => {
    const error = await checker.faces({ key: 'models/a/source/a-source-1.jpg' }).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/storage/);
  });

  it('reads key sources from the given storage', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'quality-storage-'));
    try {
      const storage = new LocalStorage({ root });
      await storage.put('models/grace/source/grace-source-1.jpg', face(grace));
      await using keyed = createQualityChecker({ workers: 0, storage });
      const faces = await keyed.faces({ key: 'models/grace/source/grace-source-1.jpg' });
      expect(faces).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('batch', () => {
  const names = Object.keys(faceLabels);
  it('streams one result per image with progress, including failures', async () => {
    const progress: number[] = [];
    const results: BatchResult[] = [];
    const items = [
      ...names.map((name) => ({ id: name, image: { bytes: face(name) } })),
      { id: 'broken', image: { bytes: new Uint8Array([1, 2, 3]) } },
    ];
    for await (const result of checker.analyzeBatch(items, {
      quality: true,
      onProgress: (p) => progress.push(p.done),
    })) {
      results.push(result);
    }
    expect(results).toHaveLength(names.length + 1);
    expect(progress).toEqual(results.map((_, i) => i + 1));
    for (const result of results) {
      if (result.id === 'broken') {
        expect(result.ok).toBe(false);
        continue;
      }
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.analysis.faces).toHaveLength(faceLabels[result.id]!.faces);
      const q = result.analysis.quality!;
      expect(q.suitability).toBeGreaterThanOrEqual(0);
      expect(q.suitability).toBeLessThanOrEqual(1);
      if (faceLabels[result.id]!.faces === 0) expect(q.suitability).toBe(0);
    }
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const run = async () => {
      for await (const result of checker.analyzeBatch(
        names.map((name) => ({ id: name, image: { bytes: face(name) } })),
        { signal: controller.signal, concurrency: 2 },
      )) {
        seen.push(result.id);
        controller.abort(new Error('user stopped'));
      }
    };
    await expect(run()).rejects.toThrow('user stopped');
    expect(seen).toHaveLength(1);
  });
});

faceCheckerContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'quality (blazeface + face-api, wasm workers)',
    create: () => checker,
    samples: {
      oneFace: face(grace),
      noFace: face(coffee),
      sameAsOneFace: face('synth__grace_hopper_rot180.jpg'),
      otherPerson: face(astronaut),
    },
  },
);
