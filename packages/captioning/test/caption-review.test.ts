import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStudio,
  LocalStorage,
  openWorkspace,
  type Studio,
  storageKeys,
  type Workspace,
} from '@model-studio/core';
import {
  createMockCaptioner,
  createMockEnhancer,
  createMockFaceChecker,
  createMockImageProcessor,
  createMockSwapper,
  mockImage,
} from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CaptionReview, createCaptionReview } from '../src/index.js';

let root: string;
let workspace: Workspace;
let studio: Studio;
let review: CaptionReview;

const photo = (identity: string, n: number) =>
  mockImage({ width: 1200 + 97 * n, height: 1600 + 13 * n, faces: [{ identity }], label: `${identity} ${n}` });

/** A model `andie` (trigger `andie`, class `woman`) with 3 enhanced and captioned results. */
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'caption-review-'));
  const storage = new LocalStorage({ root });
  workspace = await openWorkspace({ root, storage });
  studio = createStudio({
    workspace,
    swapper: createMockSwapper({ storage }),
    enhancer: createMockEnhancer({ storage }),
    faceChecker: createMockFaceChecker(),
    imageProcessor: createMockImageProcessor(),
    captioner: createMockCaptioner(),
  });
  await workspace.createModel('andie', { classWord: 'woman' });
  await workspace.setConsent('andie', {
    subject: 'Andie (test subject)',
    adultAttested: true,
    attestedBy: 'caption review tests',
    allowedRatings: ['sfw'],
    allowedUses: ['swap', 'train'],
    obtainedAt: new Date().toISOString(),
    evidenceRef: 'consent/andie.pdf',
  });
  await studio.importSources('andie', [{ name: 'a.jpg', bytes: photo('andie', 0) }]);
  await studio.importTargets(
    'andie',
    'sfw',
    [0, 1, 2].map((n) => ({ name: `t${n}.jpg`, bytes: photo('stand-in', n) })),
    { origin: 'tests', rightsStatement: 'Made for these tests.' },
  );
  await studio.run(await studio.plan('andie'));
  await studio.caption('andie');
  review = createCaptionReview({ studio, workspace });
});
afterEach(async () => {
  await studio.close();
  await rm(root, { recursive: true, force: true });
});

const names = ['andie-s1-t001-sfw-enhanced.jpg', 'andie-s1-t002-sfw-enhanced.jpg', 'andie-s1-t003-sfw-enhanced.jpg'];
const txt = (target: number) =>
  readFile(join(root, storageKeys.caption({ model: 'andie', source: 1, target, rating: 'sfw' })), 'utf8');

describe('caption review', () => {
  it('lists captions with their checks, filtered by state, rating, source, regex and token length', async () => {
    const all = await review.list('andie');
    expect(all.map((caption) => caption.name)).toEqual(names);
    expect(all.every((caption) => caption.check.valid && caption.state === 'generated')).toBe(true);
    expect(all[0]!.check.tokens.encoder).toBe('clip-bpe');
    expect(await review.list('andie', { match: 'stand-in 1' })).toHaveLength(1);
    expect(await review.list('andie', { source: 'mock-captioner', rating: 'sfw' })).toHaveLength(3);
    expect(await review.list('andie', { source: 'person' })).toHaveLength(0);
    expect(await review.list('andie', { overTokens: 5 })).toHaveLength(3);
    expect(await review.list('andie', { overTokens: true })).toHaveLength(0);
    expect(await review.list('andie', { state: 'reviewed' })).toHaveLength(0);
  });

  it('previews a regex replace without writing, then applies it, and undoes it', async () => {
    const before = await txt(2);
    const preview = await review.replace('andie', /stand-in (\d)/, 'stand in number $1', { dryRun: true });
    expect(preview.dryRun).toBe(true);
    expect(preview.operation).toBeUndefined();
    expect(preview.changes.map((change) => change.after)).toEqual([
      expect.stringContaining('stand in number 0'),
      expect.stringContaining('stand in number 1'),
      expect.stringContaining('stand in number 2'),
    ]);
    expect(await txt(2)).toBe(before);
    const applied = await review.replace('andie', /stand-in (\d)/, 'stand in number $1');
    expect(applied.operation).toMatch(/^replace-/);
    expect(await txt(2)).toBe(preview.changes[1]!.after);
    expect((await review.list('andie', { state: 'edited', source: 'person' })).length).toBe(3);
    const undone = await review.undo('andie');
    expect(undone.restored).toEqual(names);
    expect(await txt(2)).toBe(before);
    expect((await review.list('andie'))[1]!.state).toBe('generated');
  });

  it('adds a prefix and a suffix once, flags a caption that loses its trigger, marks reviewed, sets one', async () => {
    const prefixed = await review.prefix('andie', 'photo of ', { filter: { names: [names[0]!] } });
    expect(prefixed.changes).toHaveLength(1);
    expect((await review.prefix('andie', 'photo of ', { filter: { names: [names[0]!] } })).changes).toHaveLength(0);
    await review.suffix('andie', ', studio lighting');
    expect(await txt(1)).toMatch(/^photo of andie, woman, .*, studio lighting$/);
    const lost = await review.replace('andie', /andie, /, '', { dryRun: true, filter: { names: [names[2]!] } });
    expect(lost.changes[0]!.issues).toContain('trigger-missing');
    const reviewed = await review.markReviewed('andie', { filter: { names: [names[1]!, names[2]!] } });
    expect(reviewed.changes).toHaveLength(0); // they were edited by the suffix: only generated ones are marked
    const set = await review.set(
      'andie',
      names[1]!,
      'a photo of andie, woman, portrait, outdoor, natural lighting, smiling',
    );
    expect(set.changes[0]!.after).toBe('a photo of andie, woman, portrait, outdoor, natural lighting, smiling');
    const entry = (await review.list('andie', { names: [names[1]!] }))[0]!;
    expect(entry.state).toBe('edited');
    expect(entry.source).toEqual({ kind: 'person' });
    // A person's caption is never rewritten by a later automatic pass.
    const again = await studio.caption('andie');
    expect(again.total).toBe(0);
    expect(await txt(2)).toBe(entry.text);
    const operations = await review.operations('andie');
    expect(operations.map((operation) => operation.kind)).toEqual(['generate', 'prefix', 'suffix', 'set']);
  });

  it('refuses an empty caption, an unknown image and a bad regex with clear errors', async () => {
    await expect(review.set('andie', names[0]!, '  ')).rejects.toThrow(/cannot be empty/);
    await expect(review.set('andie', 'nope.jpg', 'x')).rejects.toThrow(/no caption for nope\.jpg/);
    await expect(review.replace('andie', '(', 'x')).rejects.toThrow(/Not a valid regular expression/);
    await expect(review.undo('andie', 'generate-x')).rejects.toThrow(/No caption operation/);
  });
});
