/**
 * Core's import verb over this package's image processor: the real perceptual hash finds a resized, re-compressed copy
 * of a stored target, and the real normalise refuses an SVG with the reason code the import reports. Faces come from a
 * stub face checker (one face everywhere): face detection is tested elsewhere.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStudio,
  type FaceChecker,
  LocalStorage,
  openWorkspace,
  type Studio,
  storageKeys,
  type Workspace,
} from '@model-studio/core';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImageProcessor } from '../src/index.js';
import { astronaut, face } from './fixtures.js';

const oneFace: FaceChecker = {
  specificationVersion: 'v1',
  provider: 'stub',
  async faces() {
    return [{ box: { x: 10, y: 10, width: 100, height: 100 }, confidence: 1 }];
  },
  async embeddings() {
    return [{ box: { x: 10, y: 10, width: 100, height: 100 }, confidence: 1, embedding: new Float32Array([1, 0]) }];
  },
  distance: () => 0,
  async quality() {
    return { sharpness: 1, noise: 0, exposureMean: 0.5, clippedShare: 0, suitability: 1 };
  },
};

let root: string;
let storage: LocalStorage;
let workspace: Workspace;
let studio: Studio;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'quality-import-'));
  storage = new LocalStorage({ root });
  workspace = await openWorkspace({ root, storage });
  studio = createStudio({ workspace, faceChecker: oneFace, imageProcessor: createImageProcessor() });
  await workspace.createModel('ada', { thresholds: { minShortSide: 256 } });
  await workspace.setConsent('ada', {
    subject: 'Ada Example',
    adultAttested: true,
    attestedBy: 'quality tests',
    allowedRatings: ['sfw'],
    allowedUses: ['swap'],
    obtainedAt: new Date().toISOString(),
    evidenceRef: 'consent/ada.pdf',
  });
});

afterEach(async () => {
  await studio.close();
  await workspace.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

const provenance = { origin: 'quality fixtures', rightsStatement: 'public domain' };

describe('import over createImageProcessor', () => {
  it('refuses a resized, re-compressed copy of a stored target as a near-duplicate, unless allowed', async () => {
    const original = face(astronaut);
    const copy = new Uint8Array(await sharp(original).resize(300).jpeg({ quality: 60 }).toBuffer());
    const [first] = await studio.importTargets('ada', 'sfw', [{ name: 'astronaut.png', bytes: original }], provenance);
    expect(first).toMatchObject({ accepted: true, number: 1 });
    const [refused] = await studio.importTargets('ada', 'sfw', [{ name: 'small.jpg', bytes: copy }], provenance);
    expect(refused).toMatchObject({
      accepted: false,
      duplicateOf: 'ada-t001.jpg',
      reason: { code: 'near-duplicate', category: 'duplicate' },
    });
    const [allowed] = await studio.importTargets('ada', 'sfw', [{ name: 'small.jpg', bytes: copy }], provenance, {
      allowNearDuplicates: true,
    });
    expect(allowed).toMatchObject({ accepted: true, number: 2, warnings: [{ code: 'near-duplicate' }] });
    const index = JSON.parse(await readFile(join(root, storageKeys.photoIndex('ada')), 'utf8'));
    expect(index.photos.map((photo: { phashBy?: string }) => photo.phashBy)).toEqual(['quality', 'quality']);
  });

  it('reports an SVG named .jpg as unsupported-format, in plain words', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"/>');
    const [result] = await studio.importTargets('ada', 'sfw', [{ name: 'photo.jpg', bytes: svg }], provenance);
    expect(result).toMatchObject({ accepted: false, reason: { code: 'unsupported-format', category: 'file' } });
    expect(result!.reason!.message).toMatch(/^The file is an SVG drawing/);
    expect(result!.faces).toBeUndefined();
  });
});
