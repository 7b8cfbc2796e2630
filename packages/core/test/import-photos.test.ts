/**
 * Import safety ("nothing is paid for that is bound to fail"): the import verbs on a plain `StudioContext` with core's
 * mock adapters. Pixel limits, duplicates and near-duplicates, the subject's identity, and typed per-file reasons.
 */
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultModelSettings,
  type ImageProcessor,
  LocalStorage,
  openWorkspace,
  type StudioSettings,
  storageKeys,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import {
  createMockEnhancer,
  createMockFaceChecker,
  createMockImageProcessor,
  createMockProviderAccount,
  createMockSwapper,
  type MockImageInput,
  type MockProviderAccount,
  mockImage,
  readMockImage,
} from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { phaseOneStages } from '../src/orchestrator/phase-one-stages.js';
import { RecordStore } from '../src/orchestrator/record-store.js';
import type { StudioContext } from '../src/orchestrator/studio-context.js';
import type { ImportInput, ImportOptions, ImportResult } from '../src/orchestrator/studio-types.js';
import { importSources, importTargets } from '../src/orchestrator/verbs/import-photos.js';
import { planRun } from '../src/orchestrator/verbs/plan-run.js';
import { runPlan } from '../src/orchestrator/verbs/run-plan.js';

let root: string;
let storage: LocalStorage;
let workspace: Workspace;
let account: MockProviderAccount;
const contexts: StudioContext[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-import-'));
  storage = new LocalStorage({ root });
  workspace = await openWorkspace({ root, storage });
  account = createMockProviderAccount();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.records.close();
  await workspace.close();
  await storage.close();
  await rm(root, { recursive: true, force: true });
});

/** A verb's context over the workspace, with every mock adapter (or the given ones). */
function context(adapters: Partial<StudioSettings> = {}): StudioContext {
  const settings: StudioSettings = {
    workspace,
    swapper: createMockSwapper({ storage, account }),
    enhancer: createMockEnhancer({ storage, account }),
    faceChecker: createMockFaceChecker(),
    imageProcessor: createMockImageProcessor(),
    ...adapters,
  };
  const created: StudioContext = {
    settings,
    workspace,
    storage,
    records: new RecordStore(workspace),
    stages: phaseOneStages,
    runs: new Map(),
    runConfigs: new Map(),
  };
  contexts.push(created);
  return created;
}

/** A model with consent to swap for sfw and nsfw, and no photos yet. */
async function model(name: string, settings: Parameters<Workspace['createModel']>[1] = {}): Promise<void> {
  await workspace.createModel(name, settings);
  await workspace.setConsent(name, {
    subject: 'Ada Example',
    adultAttested: true,
    attestedBy: 'import tests',
    allowedRatings: ['sfw', 'nsfw'],
    allowedUses: ['swap'],
    obtainedAt: new Date().toISOString(),
    evidenceRef: `consent/${name}.pdf`,
  });
}

/** A mock photo of one person; `label` makes photos of the same person different pictures. */
const photo = (identity: string, label: string, extra: MockImageInput = {}): Uint8Array =>
  mockImage({ width: 1200, height: 1600, faces: [{ identity }], label, ...extra });
const file = (name: string, bytes: Uint8Array): ImportInput => ({ name, bytes });
const provenance = { origin: 'tests', rightsStatement: 'Made for these tests.', adultsConsented: true };
const targets = (name: string, rating: string, inputs: ImportInput[], options?: ImportOptions) =>
  importTargets(context(), name, rating, inputs, provenance, options);
const outcome = (results: ImportResult[]) =>
  results.map((result) => (result.accepted ? result.key!.split('/').pop() : result.reason?.code));

describe('pixel limits (issue item 8)', () => {
  it('scales a target over the pixel limit down before storing it: 8000x8000 becomes 4096x4096 by default', async () => {
    await model('ada');
    expect(defaultModelSettings.thresholds.maxPixels).toBe(4096 * 4096);
    const [result] = await targets('ada', 'sfw', [
      file('huge.jpg', photo('stand-in', 'huge', { width: 8000, height: 8000 })),
    ]);
    expect(result).toMatchObject({ accepted: true, width: 4096, height: 4096 });
    const stored = readMockImage(await readFile(join(root, result!.key!)));
    expect(stored).toMatchObject({ width: 4096, height: 4096 });
  });

  it('follows the model’s maxPixels setting, keeping the aspect ratio', async () => {
    await model('ada', { thresholds: { maxPixels: 1_200_000 } });
    const [result] = await importSources(context(), 'ada', [
      file('big.jpg', photo('ada', 'big', { width: 3000, height: 4000 })),
    ]);
    expect(result).toMatchObject({ accepted: true, width: 948, height: 1264 });
    expect(result!.width! * result!.height!).toBeLessThanOrEqual(1_200_000);
  });

  it('reads a config written before maxPixels existed, with the default', async () => {
    await model('ada');
    const path = join(root, storageKeys.config('ada'));
    const config = JSON.parse(await readFile(path, 'utf8'));
    delete config.settings.thresholds.maxPixels;
    await writeFile(path, JSON.stringify(config));
    const fresh = await openWorkspace({ root });
    try {
      expect((await fresh.getModel('ada')).settings.thresholds.maxPixels).toBe(4096 * 4096);
    } finally {
      await fresh.close();
    }
  });

  it('an input refusal at the provider fails its unit for good: not retryable, submitted once', async () => {
    await model('ada');
    await importSources(context(), 'ada', [file('a.jpg', photo('ada', 'a'))]);
    await targets('ada', 'sfw', [file('t.jpg', photo('stand-in', 't'))]);
    const run = context();
    account.failNext('swap', 'input');
    const summary = await runPlan(run, await planRun(run, 'ada', { ratings: ['sfw'] }), { maxUnitAttempts: 3 });
    expect(summary.failed).toEqual([expect.objectContaining({ stage: 'swap', code: 'input', retryable: false })]);
    expect(account.attempts.filter((attempt) => attempt.op === 'swap')).toHaveLength(1);
  });
});

describe('duplicates (issue item 9)', () => {
  it('refuses a source already stored, naming it, and stores nothing new', async () => {
    await model('ada');
    const a = photo('ada', 'a');
    await importSources(context(), 'ada', [file('a.jpg', a), file('b.jpg', photo('ada', 'b'))]);
    const [again] = await importSources(context(), 'ada', [file('a-copy.jpg', a)]);
    expect(again).toMatchObject({
      accepted: false,
      duplicateOf: 'ada-source-1.jpg',
      reason: { code: 'duplicate', category: 'duplicate' },
    });
    expect(again!.reason!.message).toContain('same photo as ada-source-1.jpg');
    expect(await workspace.sourceNumbers('ada')).toEqual([1, 2]);
  });

  it('refuses byte-identical targets in one batch, within a rating only', async () => {
    await model('ada');
    const t = photo('stand-in', 't');
    const sfw = await targets('ada', 'sfw', [file('t1.jpg', t), file('t2.jpg', t), file('u.jpg', photo('x', 'u'))]);
    expect(outcome(sfw)).toEqual(['ada-t001.jpg', 'duplicate', 'ada-t002.jpg']);
    expect(sfw[1]).toMatchObject({ duplicateOf: 'ada-t001.jpg' });
    // Another rating is another group: the same picture may be a target there.
    expect(outcome(await targets('ada', 'nsfw', [file('t1.jpg', t)]))).toEqual(['ada-t001.jpg']);
    expect((await workspace.getTargets('ada', 'sfw')).map((record) => record.n)).toEqual([1, 2]);
  });

  it('names a file refused earlier in the same import when a later one repeats it', async () => {
    await model('ada');
    const group = photo('stand-in', 'group', { faces: [{ identity: 'p' }, { identity: 'q' }] });
    const results = await importSources(context(), 'ada', [file('group.jpg', group), file('group-2.jpg', group)]);
    expect(outcome(results)).toEqual(['multiple-faces', 'duplicate']);
    expect(results[1]).toMatchObject({ duplicateOf: 'group.jpg' });
    expect(results[1]!.reason!.message).toMatch(/earlier in this import/);
  });

  it('refuses a near-duplicate by default, and imports it with a warning when allowed', async () => {
    await model('ada');
    await targets('ada', 'sfw', [file('beach.jpg', photo('stand-in', 'beach'))]);
    const smaller = photo('stand-in', 'beach', { width: 900, height: 1200 });
    const [refused] = await targets('ada', 'sfw', [file('beach-small.jpg', smaller)]);
    expect(refused).toMatchObject({
      accepted: false,
      duplicateOf: 'ada-t001.jpg',
      reason: { code: 'near-duplicate', category: 'duplicate' },
    });
    expect(refused!.faces).toBeUndefined();
    const [allowed] = await targets('ada', 'sfw', [file('beach-small.jpg', smaller)], { allowNearDuplicates: true });
    expect(allowed).toMatchObject({ accepted: true, number: 2, warnings: [{ code: 'near-duplicate' }] });
    expect(allowed!.warnings![0]!.message).toContain('ada-t001.jpg');
    // Exact duplicates stay refused whatever the option says.
    const [exact] = await targets('ada', 'sfw', [file('again.jpg', smaller)], { allowNearDuplicates: true });
    expect(exact!.reason!.code).toBe('duplicate');
  });

  it('keeps fingerprints in photo-index.json, and rebuilds them from the stored photos when it is missing', async () => {
    await model('ada');
    const beach = photo('stand-in', 'beach');
    await targets('ada', 'sfw', [file('beach.jpg', beach)]);
    const indexPath = join(root, storageKeys.photoIndex('ada'));
    const index = JSON.parse(await readFile(indexPath, 'utf8'));
    expect(index).toMatchObject({
      version: 1,
      photos: [{ key: storageKeys.target('ada', 'sfw', 1), phashBy: 'mock' }],
    });
    expect(index.photos[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    await unlink(indexPath);
    const results = await targets('ada', 'sfw', [
      file('beach.jpg', beach),
      file('beach-big.jpg', photo('stand-in', 'beach', { width: 2400, height: 3200 })),
    ]);
    expect(outcome(results)).toEqual(['duplicate', 'near-duplicate']);
    expect(JSON.parse(await readFile(indexPath, 'utf8')).photos).toHaveLength(1);
  });

  it('finds exact duplicates with an image processor that has no perceptual hash', async () => {
    await model('ada');
    const { perceptualHash: _, ...plain } = createMockImageProcessor();
    const run = context({ imageProcessor: plain as ImageProcessor });
    const t = photo('stand-in', 't');
    const results = await importTargets(run, 'ada', 'sfw', [file('a.jpg', t), file('b.jpg', t)], provenance);
    expect(outcome(results)).toEqual(['ada-t001.jpg', 'duplicate']);
  });
});

describe('one subject per model (issue item 10)', () => {
  it('refuses a source of another person per file (a consent refusal); the first source stands for the subject', async () => {
    await model('ada');
    const results = await importSources(context(), 'ada', [
      file('ada-1.jpg', photo('ada', '1')),
      file('bob.jpg', photo('bob', 'bob')),
      file('ada-2.jpg', photo('ada', '2')),
    ]);
    expect(outcome(results)).toEqual(['ada-source-1.jpg', 'different-person', 'ada-source-2.jpg']);
    expect(results[1]).toMatchObject({ faces: 1, reason: { category: 'consent' } });
    expect(results[1]!.reason!.message).toMatch(/^This photo shows a different person from ada-source-1\.jpg/);
    expect(results[1]!.reason!.message).toContain('Ada Example');
  });

  it('compares with the stored sources, and no option overrides it', async () => {
    await model('ada');
    await importSources(context(), 'ada', [file('ada.jpg', photo('ada', '1'))]);
    const [bob] = await importSources(context(), 'ada', [file('bob.jpg', photo('bob', 'b'))], {
      allowNearDuplicates: true,
    });
    expect(bob!.reason!.code).toBe('different-person');
    expect(await workspace.sourceNumbers('ada')).toEqual([1]);
  });
});

describe('typed reasons, one per file (issue item 11)', () => {
  it('maps the image processor’s refusals to reason codes with the file’s name', async () => {
    await model('ada');
    const refusing = (field: string, value?: string): ImageProcessor => ({
      ...createMockImageProcessor(),
      async normalize() {
        throw new ValidationError('The file is refused for a reason a person understands.', { field, value });
      },
    });
    const cases: [string, string | undefined, string][] = [
      ['format', 'svg', 'unsupported-format'],
      ['format', 'unknown', 'not-an-image'],
      ['frames', undefined, 'animated'],
      ['pixels', undefined, 'too-many-pixels'],
      ['maxBytes', undefined, 'too-large'],
      ['bytes', undefined, 'unreadable'],
    ];
    for (const [field, value, code] of cases) {
      const run = context({ imageProcessor: refusing(field, value) });
      const [result] = await importTargets(run, 'ada', 'sfw', [file('x.jpg', photo('s', field))], provenance);
      expect(result!.reason).toEqual({
        code,
        category: 'file',
        message: 'The file is refused for a reason a person understands.',
      });
    }
    const [junk] = await targets('ada', 'sfw', [file('notes.jpg', new TextEncoder().encode('not an image'))]);
    expect(junk).toMatchObject({ accepted: false, reason: { code: 'unreadable', category: 'file' } });
  });

  it('sets faces only on files that reached face detection', async () => {
    await model('ada');
    const results = await targets('ada', 'sfw', [
      file('small.jpg', photo('s', 'small', { width: 300, height: 400 })),
      file('junk.jpg', new Uint8Array([1, 2, 3])),
      file('empty-scene.jpg', mockImage({ width: 1200, height: 900, label: 'landscape' })),
      file('ok.jpg', photo('s', 'ok')),
    ]);
    expect(outcome(results)).toEqual(['too-small', 'unreadable', 'no-face', 'ada-t001.jpg']);
    expect(results.map((result) => result.faces)).toEqual([undefined, undefined, 0, 1]);
    expect(results[0]!.reason!.message).toBe(
      'The photo is 300x400 px; its short side must be at least 800 px. Use a larger photo.',
    );
  });
});
