import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bestCheckpointThresholds,
  defaultBestCheckpointThresholds,
  openWorkspace,
  ValidationError,
  type Workspace,
} from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
let ws: Workspace;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'best-checkpoint-settings-'));
  ws = await openWorkspace({ root: dir, clock: () => new Date('2026-03-01T00:00:00Z') });
});
afterEach(async () => {
  await ws.close();
  await rm(dir, { recursive: true, force: true });
});

describe('training.bestCheckpoint thresholds (additive model setting)', () => {
  it('a model without the setting reads the defaults, and its config.json does not grow the field', async () => {
    const model = await ws.createModel('andie');
    expect(model.settings.training).toBeUndefined();
    expect(bestCheckpointThresholds(model.settings)).toEqual({
      minIdentity: 0.4,
      maxMemorisation: 0.9,
      minEntropy: 2.5,
      minContrast: 0.04,
    });
    const stored = JSON.parse(await readFile(join(dir, 'models', 'andie', 'config.json'), 'utf8'));
    expect(stored.settings.training).toBeUndefined();
  });

  it('one threshold is set alone; the others keep their defaults, also after another update', async () => {
    await ws.createModel('andie');
    const updated = await ws.updateSettings('andie', { training: { bestCheckpoint: { minIdentity: 0.55 } } });
    expect(updated.settings.training?.bestCheckpoint).toEqual({
      ...defaultBestCheckpointThresholds,
      minIdentity: 0.55,
    });
    const again = await ws.updateSettings('andie', { training: { bestCheckpoint: { minContrast: 0.1 } } });
    expect(bestCheckpointThresholds(again.settings)).toEqual({
      ...defaultBestCheckpointThresholds,
      minIdentity: 0.55,
      minContrast: 0.1,
    });
    expect((await ws.getModel('andie')).settings.training?.bestCheckpoint.minContrast).toBe(0.1);
  });

  it('refuses thresholds outside their ranges with a ValidationError naming the field', async () => {
    await ws.createModel('andie');
    const error = await ws.updateSettings('andie', { training: { bestCheckpoint: { maxMemorisation: 1.5 } } }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/maxMemorisation/);
  });
});
