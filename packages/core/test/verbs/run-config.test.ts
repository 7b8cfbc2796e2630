/**
 * The config a run holds: read once for a plan and the run that follows it while the file is unchanged (a config with
 * 100,000 target records is big to parse), read again when it changed in between, and held without target records.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStudio, LocalStorage, openWorkspace, storageKeys } from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type VerbRig, verbRig } from './verb-rig.js';

/** A LocalStorage that counts reads of each key. */
class CountingStorage extends LocalStorage {
  readonly reads = new Map<string, number>();
  override get(key: string, options?: Parameters<LocalStorage['get']>[1]) {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return super.get(key, options);
  }
}

describe('the config of a run', () => {
  let rig: VerbRig;
  afterEach(async () => rig?.dispose());

  it('is the one its plan read while the file is unchanged, and is read again after a change', async () => {
    rig = await verbRig();
    await rig.model('ada', 1, 2);
    const storage = new CountingStorage({ root: rig.root });
    const { workspace: _workspace, ...adapters } = rig.context().settings;
    const workspace = await openWorkspace({ root: rig.root, storage });
    const studio = createStudio({ ...adapters, workspace });
    const configReads = () => storage.reads.get(storageKeys.config('ada')) ?? 0;

    const plan = await studio.plan('ada', { ratings: ['sfw'] });
    expect(configReads()).toBe(1);
    const summary = await studio.run(plan);
    expect(summary).toMatchObject({ outcome: 'completed', succeeded: 2 });
    // Read by the plan only: the run and each paid call's consent check found the file unchanged.
    expect(configReads()).toBe(1);

    // A change between plan and run (the swap's price here) is read again, and is what the run uses.
    await rig.model('cid', 1, 1);
    const replan = await studio.plan('cid', { ratings: ['sfw'] });
    await workspace.updateSettings('cid', { prices: { swap: { units: 7 } } });
    const before = storage.reads.get(storageKeys.config('cid')) ?? 0;
    await studio.run(replan);
    expect(storage.reads.get(storageKeys.config('cid'))).toBe(before + 1);
    const ledger = await readFile(join(rig.root, storageKeys.costs('cid')), 'utf8');
    const reservations = ledger
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.kind === 'reserved' && entry.op === 'swap');
    expect(reservations.map((entry) => entry.amount)).toEqual([7]);
    await storage.close();
  });

  it('reaches every stage without the target records', async () => {
    rig = await verbRig();
    await rig.model('bea', 1, 1);
    const context = rig.context();
    const { runConfigFor } = await import('../../src/orchestrator/current-config.js');
    const { config } = await runConfigFor(context, 'bea');
    expect('targets' in config).toBe(false);
    expect(config.consent?.allowedRatings).toEqual(['sfw']);
    expect((await rig.workspace.getModel('bea')).targets.sfw).toHaveLength(1);
  });
});
