/**
 * The orchestrator over real files: a real workspace on LocalStorage, real journals and ledgers, and a result store
 * that is a real LocalStorage whose root cannot be created (a file stands where its folder should be), so its copies
 * fail with the file system's own error. Swapper, enhancer, face checker and image processor are small in-test
 * implementations of core's interfaces (core depends on no adapter); they count every paid call.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConsentRecord,
  createStudio,
  type Enhancer,
  type FaceChecker,
  type FaceSwapper,
  type ImageProcessor,
  LocalStorage,
  openWorkspace,
  type ProviderJob,
  StorageError,
  type Studio,
  type StudioEvent,
  storageKeys,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { imageDimensions } from '../src/orchestrator/image-dimensions.js';

/** A real 37x23 JPEG: every photo and every provider output in these tests. */
const jpeg = new Uint8Array(readFileSync(new URL('./fixtures/dimensions/baseline-37x23.jpg', import.meta.url)));

const consent: ConsentRecord = {
  subject: 'Test Subject',
  adultAttested: true,
  attestedBy: 'core test',
  allowedRatings: ['sfw'],
  allowedUses: ['swap'],
  obtainedAt: '2026-11-25T00:00:00.000Z',
  evidenceRef: 'test fixture',
} as ConsentRecord;

/** Paid calls the in-test provider received. */
interface Calls {
  swap: number;
  enhance: number;
}

function provider(calls: Calls): { swapper: FaceSwapper; enhancer: Enhancer } {
  const price = { units: 10, unit: 'credits' };
  const finished = (job: ProviderJob, units: number) => ({
    job,
    bytes: jpeg,
    contentType: 'image/jpeg',
    units,
    unit: 'credits',
  });
  return {
    swapper: {
      specificationVersion: 'v1',
      provider: 'test',
      price,
      async submitSwap() {
        calls.swap += 1;
        return { id: `swap-${calls.swap}`, provider: 'test', operation: 'swap' };
      },
      async waitForSwap(job) {
        return finished(job, 10);
      },
    },
    enhancer: {
      specificationVersion: 'v1',
      provider: 'test',
      price: { units: 2, unit: 'credits' },
      async submitEnhance() {
        calls.enhance += 1;
        return { id: `enhance-${calls.enhance}`, provider: 'test', operation: 'enhance' };
      },
      async waitForEnhance(job) {
        return finished(job, 2);
      },
    },
  };
}

/** One face in every image, always the same person. */
const faceChecker: FaceChecker = {
  specificationVersion: 'v1',
  provider: 'test',
  async faces() {
    return [{ box: { x: 1, y: 1, width: 10, height: 10 }, confidence: 1 }];
  },
  async embeddings() {
    return [{ box: { x: 1, y: 1, width: 10, height: 10 }, embedding: new Float32Array([1, 0]) }];
  },
  distance() {
    return 0;
  },
  async quality() {
    return { sharpness: 1, noise: 0, exposureMean: 0.5, clippedShare: 0, suitability: 1 };
  },
};

/** Keeps images as they are; dimensions come from the image header. */
const imageProcessor: ImageProcessor = {
  specificationVersion: 'v1',
  provider: 'test',
  async normalize(bytes) {
    const size = imageDimensions(bytes);
    if (!size) throw new ValidationError('not an image this test knows', { field: 'bytes' });
    return { bytes, ...size };
  },
  async resize(bytes) {
    return bytes;
  },
  async writeMetadata(bytes) {
    return bytes;
  },
};

interface Rig {
  root: string;
  storage: LocalStorage;
  workspace: Workspace;
  calls: Calls;
  studio(resultStores?: LocalStorage[]): Studio;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function rig(): Promise<Rig> {
  const root = await tempDir('studio-core-');
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  cleanups.push(async () => {
    await workspace.close();
    await storage.close();
  });
  const calls: Calls = { swap: 0, enhance: 0 };
  return {
    root,
    storage,
    workspace,
    calls,
    studio(resultStores = []) {
      const studio = createStudio({ workspace, ...provider(calls), faceChecker, imageProcessor, resultStores });
      cleanups.push(() => studio.close());
      return studio;
    },
  };
}

/** A model with consent, `sources` source photos and `targets` sfw targets (with provenance). */
async function prepareModel(r: Rig, studio: Studio, model: string, counts: { sources: number; targets: number }) {
  await r.workspace.createModel(model, { thresholds: { minShortSide: 20 } });
  await r.workspace.setConsent(model, consent);
  const photos = (count: number, name: string) =>
    // Each file differs by a trailing comment-free byte run after the JPEG (decoders ignore it), so the import's
    // duplicate check sees distinct photos of the same scene.
    Array.from({ length: count }, (_, i) => ({
      name: `${name}-${i + 1}.jpg`,
      bytes: new Uint8Array([...jpeg, ...new TextEncoder().encode(`${name}-${i + 1}`)]),
    }));
  const sources = await studio.importSources(model, photos(counts.sources, 'face'));
  const targets = await studio.importTargets(model, 'sfw', photos(counts.targets, 'scene'), {
    origin: 'core test fixtures',
    rightsStatement: 'made for these tests',
  });
  expect([...sources, ...targets].every((result) => result.accepted)).toBe(true);
}

/** A real LocalStorage that cannot store anything: a file stands where its root folder should be. */
async function blockedStore(): Promise<{ store: LocalStorage; root: string; unblock: () => Promise<void> }> {
  const dir = await tempDir('studio-mirror-');
  const blocker = join(dir, 'mirror');
  await writeFile(blocker, 'not a folder');
  const root = join(blocker, 'copies');
  const store = new LocalStorage({ root });
  cleanups.push(() => store.close());
  return {
    store,
    root,
    async unblock() {
      await rm(blocker);
      await mkdir(root, { recursive: true });
    },
  };
}

const journalPath = (r: Rig, model: string) => join(r.workspace.localModelDir(model), 'progress.jsonl');
const journalText = (r: Rig, model: string) => readFile(journalPath(r, model), 'utf8').catch(() => '');
const byUnit = (a: { unitId: string }, b: { unitId: string }) => (a.unitId < b.unitId ? -1 : 1);
const resultKey = (model: string, source: number, target: number, stage: 'swapped' | 'enhanced') =>
  storageKeys.result({ model, source, target, rating: 'sfw', stage });

describe('copies to result stores', () => {
  it('a failed copy does not fail the unit: it is reported with its reason, and the next run finishes it unpaid', async () => {
    const r = await rig();
    const mirror = await blockedStore();
    const studio = r.studio([mirror.store]);
    await prepareModel(r, studio, 'ada', { sources: 1, targets: 2 });
    const events: StudioEvent[] = [];

    const first = await studio.run(await studio.plan('ada', { ratings: ['sfw'] }), {
      onEvent: (event) => events.push(event),
    });

    expect(first.outcome).toBe('completed');
    expect(first.succeeded).toBe(2);
    expect(first.failed).toEqual([]);
    expect(first.outputs).toEqual([resultKey('ada', 1, 1, 'enhanced'), resultKey('ada', 1, 2, 'enhanced')]);
    expect(first.mirrored).toBe(0);
    // Both results of both units, each with the file system's reason, in key order.
    expect(first.copyFailures.map((failure) => failure.key)).toEqual([
      resultKey('ada', 1, 1, 'enhanced'),
      resultKey('ada', 1, 2, 'enhanced'),
      resultKey('ada', 1, 1, 'swapped'),
      resultKey('ada', 1, 2, 'swapped'),
    ]);
    for (const failure of first.copyFailures) {
      expect(failure).toMatchObject({
        store: 'local',
        code: 'storage',
        unitId: expect.stringMatching(/^ada:s1:t00[12]:sfw$/),
      });
      expect(failure.message).toMatch(/Cannot use .* as the LocalStorage root: .* is a file, not a folder/);
    }
    const reported = events.filter((event) => event.type === 'result-mirror-failed');
    expect(reported).toHaveLength(4);
    const unitEnds = events.filter((event) => event.type === 'unit-end');
    expect(unitEnds.map((event) => event.ok)).toEqual([true, true]);
    // The results are stored in the workspace, and the journal says the units are done.
    for (const key of first.outputs) expect(await readFile(join(r.root, key))).toEqual(Buffer.from(jpeg));
    const status = await studio.status('ada');
    expect(status.done).toHaveLength(4);
    expect(status.failed).toEqual([]);
    expect(r.calls).toEqual({ swap: 2, enhance: 2 });

    await mirror.unblock();
    const second = await studio.run(await studio.plan('ada', { ratings: ['sfw'] }));
    expect(second.skipped).toBe(2);
    expect(second.mirrored).toBe(4);
    expect(second.copyFailures).toEqual([]);
    for (const failure of first.copyFailures) {
      expect(await readFile(join(mirror.root, failure.key))).toEqual(await readFile(join(r.root, failure.key)));
    }
    expect(r.calls).toEqual({ swap: 2, enhance: 2 });
  });

  it('resume also finishes copies a run could not make, and reports them again while the store still fails', async () => {
    const r = await rig();
    const mirror = await blockedStore();
    const studio = r.studio([mirror.store]);
    await prepareModel(r, studio, 'bea', { sources: 1, targets: 1 });
    await studio.run(await studio.plan('bea', { ratings: ['sfw'] }));

    const stillBlocked = await studio.resume('bea');
    expect(stillBlocked).toMatchObject({ outcome: 'completed', skipped: 1, succeeded: 0, failed: [], mirrored: 0 });
    expect(stillBlocked.copyFailures.map((failure) => failure.key).sort()).toEqual([
      resultKey('bea', 1, 1, 'enhanced'),
      resultKey('bea', 1, 1, 'swapped'),
    ]);

    await mirror.unblock();
    const finished = await studio.resume('bea');
    expect(finished.mirrored).toBe(2);
    expect(finished.copyFailures).toEqual([]);
    expect(r.calls).toEqual({ swap: 1, enhance: 1 });
  });
});

describe('plan checks the sources and targets it is asked for', () => {
  it('refuses a source the model does not have, naming it and the ones it has, before anything is journaled', async () => {
    const r = await rig();
    const studio = r.studio();
    await prepareModel(r, studio, 'cleo', { sources: 1, targets: 3 });

    const refused = await studio.plan('cleo', { ratings: ['sfw'], sources: [9] }).catch((error: unknown) => error);
    expect(ValidationError.isInstance(refused)).toBe(true);
    expect((refused as ValidationError).field).toBe('sources');
    expect((refused as Error).message).toBe(
      'Model "cleo" has no source 9 (its sources: 1). Plan only sources it has, or import more first ' +
        '(studio.importSources). Nothing was planned or journaled.',
    );
    const mixed = await studio.plan('cleo', { ratings: ['sfw'], sources: [1, 7, 8] }).catch((error: unknown) => error);
    expect((mixed as Error).message).toMatch(/^Model "cleo" has no sources 7-8 \(its sources: 1\)\./);

    const badTargets = await studio
      .plan('cleo', { ratings: ['sfw'], targets: [2, 5] })
      .catch((error: unknown) => error);
    expect(ValidationError.isInstance(badTargets)).toBe(true);
    expect((badTargets as ValidationError).field).toBe('targets');
    expect((badTargets as Error).message).toMatch(
      /^Model "cleo" has no sfw target 5 \(its sfw targets: 1-3\)\. .*\(studio\.importTargets\)/,
    );

    expect(await journalText(r, 'cleo')).toBe('');
    expect(r.calls).toEqual({ swap: 0, enhance: 0 });
    // Numbers it has are planned once each, however often they are asked for.
    const plan = await studio.plan('cleo', { ratings: ['sfw'], sources: [1, 1], targets: [3, 1, 3] });
    expect(plan.units.map((unit) => unit.id)).toEqual(['cleo:s1:t003:sfw', 'cleo:s1:t001:sfw']);
  });

  it('a run whose source or target was deleted after planning fails those units with the reason; resume goes on', async () => {
    const r = await rig();
    const studio = r.studio();
    await prepareModel(r, studio, 'dora', { sources: 2, targets: 2 });
    const plan = await studio.plan('dora', { ratings: ['sfw'] });
    expect(plan.units).toHaveLength(4);
    const source2 = await readFile(join(r.root, storageKeys.source('dora', 2)));
    await r.storage.delete([storageKeys.source('dora', 2), storageKeys.target('dora', 'sfw', 2)]);

    const first = await studio.run(plan);
    expect(first.outcome).toBe('incomplete');
    expect(first.outputs).toEqual([resultKey('dora', 1, 1, 'enhanced')]);
    const reasons = (summary: typeof first) =>
      summary.failed.map(({ unitId, stage, code, retryable }) => ({ unitId, stage, code, retryable }));
    const expected = [
      { unitId: 'dora:s1:t002:sfw', stage: 'target-check', code: 'missing-target', retryable: false },
      { unitId: 'dora:s2:t001:sfw', stage: 'source-check', code: 'missing-source', retryable: false },
      { unitId: 'dora:s2:t002:sfw', stage: 'source-check', code: 'missing-source', retryable: false },
    ];
    expect(reasons(first).sort(byUnit)).toEqual(expected);
    expect(first.failed.find((failure) => failure.unitId === 'dora:s2:t001:sfw')?.message).toBe(
      'Source 2 of model "dora" no longer exists (models/dora/source/dora-source-2.jpg): this unit was skipped and ' +
        'nothing was paid for it in this run. Put the photo back under that key to run it; the other units are not affected.',
    );
    expect(r.calls).toEqual({ swap: 1, enhance: 1 });
    // The journal says why: their swap stages are failed with the reason (their enhance stages wait on the swap).
    const status = await studio.status('dora');
    expect(
      status.failed.map(({ stageId, stage, code }) => ({ unitId: stageId ?? '', stage, code })).sort(byUnit),
    ).toEqual([
      { unitId: 'dora:s1:t002:sfw:swapped', stage: 'target-check', code: 'missing-target' },
      { unitId: 'dora:s2:t001:sfw:swapped', stage: 'source-check', code: 'missing-source' },
      { unitId: 'dora:s2:t002:sfw:swapped', stage: 'source-check', code: 'missing-source' },
    ]);
    expect(status.failed.map((failure) => failure.unitId).sort()).toEqual([
      'dora:s1:t002:sfw',
      'dora:s2:t001:sfw',
      'dora:s2:t002:sfw',
    ]);
    expect(status.units).toMatchObject({ total: 4, done: 1, failed: 3 });
    expect(status.stages).toMatchObject({ total: 8, done: 2, failed: 3, pending: 3 });
    expect(status.pending.sort()).toEqual([
      'dora:s1:t002:sfw:enhanced',
      'dora:s2:t001:sfw:enhanced',
      'dora:s2:t002:sfw:enhanced',
    ]);

    // Resume runs what the journal planned: it does not throw, it reports the same units and skips the done one.
    const resumed = await studio.resume('dora');
    expect(resumed).toMatchObject({ outcome: 'incomplete', skipped: 1, succeeded: 0 });
    expect(reasons(resumed).sort(byUnit)).toEqual(expected);
    expect(r.calls).toEqual({ swap: 1, enhance: 1 });

    // With the source back, a resume runs its units (the missing target's unit still waits for its photo).
    await r.storage.put(storageKeys.source('dora', 2), source2);
    const restored = await studio.resume('dora');
    expect(restored.succeeded).toBe(1);
    expect(restored.outputs).toEqual([resultKey('dora', 2, 1, 'enhanced')]);
    expect(reasons(restored).map((failure) => failure.code)).toEqual(['missing-target', 'missing-target']);
    expect(r.calls).toEqual({ swap: 2, enhance: 2 });
  });

  it('a unit whose swap is done needs its target no more: deleting the target does not fail its enhance', async () => {
    const r = await rig();
    const studio = r.studio();
    await prepareModel(r, studio, 'emma', { sources: 2, targets: 2 });
    const plan = await studio.plan('emma', { ratings: ['sfw'] });
    // Only the swaps first: every unit then has its enhance still to do.
    const swapped = await studio.run({ ...plan, stages: ['swap'] });
    expect(swapped).toMatchObject({ outcome: 'completed', succeeded: 4 });
    // Target 1 goes (its two units are swapped and need only their source now); source 2 goes (its enhance verifies
    // the swap against it, so both of its units fail, each once, with the source as the reason).
    await r.storage.delete([storageKeys.target('emma', 'sfw', 1), storageKeys.source('emma', 2)]);
    const summary = await studio.run(plan);
    expect(summary.failed.map(({ unitId, code }) => ({ unitId, code })).sort(byUnit)).toEqual([
      { unitId: 'emma:s2:t001:sfw', code: 'missing-source' },
      { unitId: 'emma:s2:t002:sfw', code: 'missing-source' },
    ]);
    expect(summary.outputs).toEqual([resultKey('emma', 1, 1, 'enhanced'), resultKey('emma', 1, 2, 'enhanced')]);
    expect(r.calls).toEqual({ swap: 4, enhance: 2 });
  });

  it('checks a large group of targets with one listing of their folder, a small one with a head per photo', async () => {
    // A real LocalStorage that counts what it is asked (heads per key, listings per prefix).
    class CountingStorage extends LocalStorage {
      heads: string[] = [];
      listings: string[] = [];
      override head(...args: Parameters<LocalStorage['head']>) {
        this.heads.push(args[0]);
        return super.head(...args);
      }
      /** A listing failure to give, as a storage that cannot be read would. */
      listingFailure: Error | undefined;
      override listKeys(...args: Parameters<LocalStorage['listKeys']>) {
        this.listings.push(args[0]?.prefix ?? '');
        if (this.listingFailure) throw this.listingFailure;
        return super.listKeys(...args);
      }
    }
    const root = await tempDir('studio-core-');
    const storage = new CountingStorage({ root });
    const workspace = await openWorkspace({ root, storage });
    const calls: Calls = { swap: 0, enhance: 0 };
    const studio = createStudio({ workspace, ...provider(calls), faceChecker, imageProcessor });
    cleanups.push(async () => {
      await studio.close();
      await storage.close();
    });
    await workspace.createModel('fern', { thresholds: { minShortSide: 20 } });
    await workspace.setConsent('fern', consent);
    await storage.put(storageKeys.source('fern', 1), jpeg);
    const count = 1200;
    for (let n = 1; n <= count; n++) await storage.put(storageKeys.target('fern', 'sfw', n), jpeg);
    await workspace.recordTargets(
      'fern',
      'sfw',
      Array.from({ length: count }, (_, i) => ({ n: i + 1, origin: 'core test', rightsStatement: 'made for it' })),
    );
    const plan = await studio.plan('fern', { ratings: ['sfw'] });
    const gone = [2, 999, 1200];
    await storage.delete(gone.map((n) => storageKeys.target('fern', 'sfw', n)));
    // Stopped once the first unit starts: the photos are checked before any unit runs.
    const stop = new AbortController();
    storage.heads = [];
    storage.listings = [];
    await studio
      .run(plan, {
        signal: stop.signal,
        onEvent: (event) => {
          if (event.type === 'unit-start') stop.abort();
        },
      })
      .catch(() => undefined);
    const targetPrefix = storageKeys.targetPrefix('fern', 'sfw');
    expect(storage.listings).toEqual([targetPrefix]);
    // Only the photos the listing does not show are asked for (a listing may lag behind the writes).
    expect(storage.heads.filter((key) => key.startsWith(targetPrefix)).sort()).toEqual(
      gone.map((n) => storageKeys.target('fern', 'sfw', n)).sort(),
    );
    const failed = (await studio.status('fern')).failed;
    expect(failed.map(({ unitId, code }) => ({ unitId, code })).sort(byUnit)).toEqual(
      gone.map((n) => ({ unitId: `fern:s1:t${String(n).padStart(3, '0')}:sfw`, code: 'missing-target' })).sort(byUnit),
    );

    // A plan of a few targets asks for each of them (here one is gone too), and lists nothing.
    const few = await studio.plan('fern', { ratings: ['sfw'], targets: [5, 6, 7] });
    await storage.delete([storageKeys.target('fern', 'sfw', 6)]);
    storage.heads = [];
    storage.listings = [];
    const summary = await studio.run(few);
    expect(storage.listings).toEqual([]);
    expect(storage.heads.filter((key) => key.startsWith(targetPrefix)).sort()).toEqual(
      [5, 6, 7].map((n) => storageKeys.target('fern', 'sfw', n)),
    );
    expect(summary.failed.map(({ unitId, code }) => ({ unitId, code }))).toEqual([
      { unitId: 'fern:s1:t006:sfw', code: 'missing-target' },
    ]);
    expect(summary.succeeded).toBe(2);

    // A listing that fails stops the run before anything is paid for, with the storage's error.
    const paidBefore = { ...calls };
    const all = await studio.plan('fern', { ratings: ['sfw'] });
    storage.listingFailure = new StorageError('listing refused (test)', { operation: 'list', key: targetPrefix });
    const refused = await studio.run(all).catch((error: unknown) => error);
    expect(StorageError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toContain('listing refused (test)');
    expect(calls).toEqual(paidBefore);
  });
});
