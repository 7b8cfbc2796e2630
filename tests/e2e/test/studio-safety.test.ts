import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsentError,
  createStudio,
  LocalStorage,
  ModelBusyError,
  openWorkspace,
  storageKeys,
  ValidationError,
} from '@model-studio/core';
import { createMaxStudio, createMaxStudioProvider } from '@model-studio/maxstudio';
import { createImageProcessor } from '@model-studio/quality';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type PipelineRig,
  prepareModel,
  qualityChecker,
  rigsFor,
  samplesDir,
  studioOver,
} from './helpers/pipeline-rig.js';

const rig = rigsFor(afterAll);

const charges = (r: PipelineRig, op: 'swap' | 'enhance') =>
  r.sandbox.billing().charges.filter((c) => c.operation === op);

describe('exactly-once billing and consent under failure (orchestrator + sandbox + quality)', () => {
  it('polls that keep failing after the client gave up do not make the run pay for the job again', async () => {
    const r = await rig({
      sandbox: {
        faults: { seed: 3, rules: [{ kind: 'server-error', on: 'swap-status', times: 6, status: 503 }] },
      },
      client: { retry: { retries: 1, minDelay: 10, maxDelay: 20 } },
    });
    await prepareModel(r, 'gus');
    const summary = await r.studio.run(await r.studio.plan('gus', { ratings: ['sfw'] }), { concurrency: 1 });
    expect(summary.outcome).toBe('completed');
    expect(summary.succeeded).toBe(2);
    expect(summary.reattached).toBeGreaterThan(0);
    // One swap and one enhance charge per unit: the job was reattached by id, never resubmitted.
    expect(charges(r, 'swap')).toHaveLength(2);
    expect(charges(r, 'enhance')).toHaveLength(2);
  });

  it('one process per model: a second writer is refused while the first runs, and status stays readable', async () => {
    const r = await rig({
      sandbox: { jobDurations: { swap: { pendingMs: 50, runningMs: 600 }, enhance: { pendingMs: 20, runningMs: 60 } } },
    });
    await prepareModel(r, 'hal');
    // A second studio on the same workspace folder, as another process would have.
    const rival = studioOver(
      await openWorkspace({ root: r.root, storage: r.storage }),
      r.storage,
      createMaxStudio({ baseURL: r.sandbox.url, apiKey: 'sandbox-key' }),
    );
    const run = r.studio.run(await r.studio.plan('hal', { ratings: ['sfw'] }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const status = await rival.status('hal');
    expect(status.done.length + status.pending.length + status.inFlight.length + status.uncertain.length).toBe(4);
    // Same process here, so the lock is held by this pid: the refusal names it.
    const refused = await rival.run(await rival.plan('hal', { ratings: ['sfw'] })).catch((error: unknown) => error);
    expect(ModelBusyError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/only one process may run a model at a time/);
    expect((await run).outcome).toBe('completed');
    await rival.close();
  });

  it('a revocation recorded by another workspace instance stops the run before its next paid call', async () => {
    const r = await rig({
      sandbox: { jobDurations: { swap: { pendingMs: 50, runningMs: 500 }, enhance: { pendingMs: 20, runningMs: 60 } } },
    });
    await prepareModel(r, 'ida');
    const other = await openWorkspace({ root: r.root, storage: r.storage });
    let revoked: Promise<unknown> | undefined;
    const summary = await r.studio.run(await r.studio.plan('ida', { ratings: ['sfw'] }), {
      concurrency: 1,
      onEvent: (event) => {
        if (event.type === 'cost-recorded' && event.kind === 'reserved')
          revoked ??= other.revokeConsent('ida', { reason: 'withdrawn by email' });
      },
    });
    await revoked;
    expect(summary.outcome).toBe('consent-revoked');
    // The swap in flight finished; nothing after it was paid.
    expect(charges(r, 'swap')).toHaveLength(1);
    expect(charges(r, 'enhance')).toHaveLength(0);
  });

  it('checks target provenance before storing, and plan refuses targets without a provenance record', async () => {
    const r = await rig();
    await prepareModel(r, 'jon');
    await r.workspace.setConsent('jon', {
      ...(await r.workspace.getModel('jon')).consent!,
      allowedRatings: ['sfw', 'nsfw'],
    });
    const bytes = await readFile(join(samplesDir, 'targets', 'astronaut.png'));
    const refused = await r.studio
      .importTargets('jon', 'nsfw', [{ name: 'a.png', bytes }], { origin: 'x', rightsStatement: 'mine' })
      .catch((error: unknown) => error);
    expect(ConsentError.isInstance(refused)).toBe(true);
    expect(await r.storage.head(storageKeys.target('jon', 'nsfw', 1))).toBeUndefined();

    // A target copied into storage by hand, with no provenance, is refused at planning.
    await r.storage.put(storageKeys.target('jon', 'sfw', 9), bytes);
    const unplanned = await r.studio.plan('jon', { ratings: ['sfw'] }).catch((error: unknown) => error);
    expect(ValidationError.isInstance(unplanned)).toBe(true);
    expect((unplanned as Error).message).toMatch(/Targets 9 .* no provenance record/);
  });

  it('a source with no detectable face stops the run before anything is paid', async () => {
    const r = await rig();
    await prepareModel(r, 'kim');
    const noFace = await sharp(join(samplesDir, 'targets', 'coffee.jpg'))
      .jpeg()
      .toBuffer();
    await r.storage.put(storageKeys.source('kim', 2), noFace);
    const refused = await r.studio
      .run(await r.studio.plan('kim', { ratings: ['sfw'], sources: [2] }))
      .catch((error: unknown) => error);
    expect(ValidationError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/shows no face .* Nothing was paid/);
    expect(r.sandbox.billing().charges).toHaveLength(0);
  });

  it('checks the resolution again at run time: a target replaced by a smaller image is refused, unpaid', async () => {
    const r = await rig();
    const { targets } = await prepareModel(r, 'lia');
    const first = targets.find((t) => t.accepted && t.key !== undefined);
    if (first?.key === undefined) throw new Error('no accepted target');
    // Replaced behind the studio's back after import, 300 px on its short side (the model's minimum is 512).
    const small = await sharp(join(samplesDir, 'targets', 'astronaut.png'))
      .resize(300, 300)
      .jpeg()
      .toBuffer();
    await r.storage.put(first.key, small);
    const summary = await r.studio.run(await r.studio.plan('lia', { ratings: ['sfw'] }));
    const refused = summary.failed.find((failure) => failure.code === 'too-small');
    expect(refused).toMatchObject({ stage: 'target-check', retryable: false });
    expect(refused?.message).toMatch(
      /is 300x300 px; the model's minimum short side is 512 px: not swapped, nothing paid/,
    );
    // Only the targets that passed were paid for.
    expect(charges(r, 'swap')).toHaveLength(summary.succeeded);
  });

  it('a later run finishes copies to the result stores that an earlier run did not make', async () => {
    const r = await rig();
    await prepareModel(r, 'lea');
    const mirrorRoot = await mkdtemp(join(tmpdir(), 'studio-mirror-'));
    const mirror = new LocalStorage({ root: mirrorRoot });
    const client = createMaxStudio({ baseURL: r.sandbox.url, apiKey: 'sandbox-key', pollInterval: 25 });
    const { swapper, enhancer } = createMaxStudioProvider({ storage: r.storage, client });
    const studio = createStudio({
      workspace: r.workspace,
      swapper,
      enhancer,
      faceChecker: qualityChecker(),
      imageProcessor: createImageProcessor(),
      resultStores: [mirror],
    });
    try {
      const first = await studio.run(await studio.plan('lea', { ratings: ['sfw'] }));
      expect(first.mirrored).toBe(4);
      const lost = storageKeys.result({ model: 'lea', source: 1, target: 2, rating: 'sfw', stage: 'enhanced' });
      await mirror.delete(lost);
      const second = await studio.run(await studio.plan('lea', { ratings: ['sfw'] }));
      expect(second.skipped).toBe(2);
      expect(second.mirrored).toBe(1);
      expect(await mirror.head(lost)).toBeDefined();
      expect(charges(r, 'swap')).toHaveLength(2);
    } finally {
      await studio.close();
      await rm(mirrorRoot, { recursive: true, force: true });
    }
  });
});
