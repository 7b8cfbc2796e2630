import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_CONFIG_VERSION, openWorkspace, ValidationError, type Workspace } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorOf } from './fixtures/storage/helpers.js';

let dir: string;
let ws: Workspace;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'update-settings-'));
  ws = await openWorkspace({ root: dir, clock: () => new Date('2026-03-01T00:00:00Z') });
});
afterEach(async () => {
  await ws.close();
  await rm(dir, { recursive: true, force: true });
});

const configOf = async (model: string) =>
  JSON.parse(await readFile(join(dir, 'models', model, 'config.json'), 'utf8')) as Record<string, unknown>;

describe('Workspace.updateSettings', () => {
  it('merges thresholds, prices and words over the current settings and writes them', async () => {
    await ws.createModel('andie', { classWord: 'woman' });
    const updated = await ws.updateSettings('andie', {
      thresholds: { minShortSide: 512 },
      prices: { swap: { units: 8 } },
      triggerWord: 'ohwx',
      concurrency: 2,
    });
    expect(updated.settings).toMatchObject({
      triggerWord: 'ohwx',
      classWord: 'woman',
      concurrency: 2,
      thresholds: { minShortSide: 512, maxBytes: 5_000_000, identityThreshold: 0.61, minTargetFaces: 1 },
      prices: { swap: { units: 8, unit: 'credits' }, enhance: { units: 2, unit: 'credits' } },
    });
    expect((await configOf('andie')).settings).toEqual(updated.settings);
    expect((await ws.getModel('andie')).settings.thresholds.minShortSide).toBe(512);
  });

  it('refuses a value the schema refuses, naming the field, and writes nothing', async () => {
    await ws.createModel('bea');
    const before = await configOf('bea');
    const error = await errorOf(() => ws.updateSettings('bea', { thresholds: { minShortSide: 0 } }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/minShortSide/);
    expect(await errorOf(() => ws.updateSettings('bea', { thresholds: { identityThreshold: 2 } }))).toBeInstanceOf(
      Error,
    );
    expect(await configOf('bea')).toEqual(before);
  });

  it('refuses a setting the schema does not have instead of dropping it', async () => {
    await ws.createModel('cy');
    const error = await errorOf(() =>
      ws.updateSettings('cy', { thresholds: { minShortSid: 500 } as never, colour: 'red' } as never),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Model "cy" has no setting "thresholds.minShortSid", "colour"; nothing was written.',
    );
  });

  it('upgrades a prototype (version 0) config to the current version on write', async () => {
    await mkdir(join(dir, 'models', 'old'), { recursive: true });
    await writeFile(
      join(dir, 'models', 'old', 'config.json'),
      JSON.stringify({ name: 'old', trigger: 'oldx', minShortSide: 1024, creditsPerSwap: 7 }),
    );
    const updated = await ws.updateSettings('old', { thresholds: { maxBytes: 4_000_000 } });
    const written = await configOf('old');
    expect(written.version).toBe(MODEL_CONFIG_VERSION);
    expect(updated.settings.thresholds).toMatchObject({ minShortSide: 1024, maxBytes: 4_000_000 });
    expect(updated.settings.prices.swap.units).toBe(7);
  });
});
