import { defaultModelSettings, modelSettingsSchema } from '@model-studio/core';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  addModelSettingFlags,
  modelSettingFlags,
  settingChanges,
  settingsPatchFrom,
} from '../src/model-settings-flags.js';

describe('studio models set flags, made from core’s settings schema', () => {
  it('has a flag for every word and number setting, every threshold and every named price', () => {
    const flags = modelSettingFlags();
    const byFlag = new Map(flags.map((flag) => [flag.flag, flag]));
    expect(byFlag.get('--min-short-side')).toMatchObject({
      attribute: 'minShortSide',
      path: ['thresholds', 'minShortSide'],
      kind: 'integer',
    });
    expect(byFlag.get('--min-short-side')?.description).toBe(
      'thresholds.minShortSide: a whole number, 1 or more (default 800)',
    );
    expect(byFlag.get('--identity-threshold')).toMatchObject({ kind: 'number' });
    expect(byFlag.get('--identity-threshold')?.description).toMatch(/from 0 to 1 \(default 0\.61\)/);
    expect(byFlag.get('--swap-price')).toMatchObject({ attribute: 'swapPrice', path: ['prices', 'swap', 'units'] });
    expect(byFlag.get('--enhance-price')?.path).toEqual(['prices', 'enhance', 'units']);
    expect(byFlag.get('--trigger-word')).toMatchObject({ kind: 'word', path: ['triggerWord'] });
    expect(byFlag.get('--class-word')?.path).toEqual(['classWord']);
    expect(byFlag.get('--concurrency')?.description).toMatch(/from 1 to 64/);
    expect(byFlag.has('--budget')).toBe(false);
    // Every threshold the schema has, whatever they are, gets its flag: nothing here lists them.
    const thresholds = Object.keys(defaultModelSettings.thresholds);
    for (const name of thresholds) {
      expect(
        flags.some((flag) => flag.path.join('.') === `thresholds.${name}`),
        name,
      ).toBe(true);
    }
  });

  it('follows the schema: a setting added there gets a flag, a clash of names gets its group', () => {
    type ObjectSchema = { shape: Record<string, unknown>; extend(shape: Record<string, unknown>): ObjectSchema };
    const base = modelSettingsSchema as unknown as ObjectSchema;
    const thresholds = base.shape.thresholds as ObjectSchema;
    const grown = base.extend({
      thresholds: thresholds.extend({
        maxAspectRatio: thresholds.shape.identityThreshold,
        concurrency: base.shape.concurrency,
      }),
    });
    const flags = modelSettingFlags(grown, { thresholds: { maxAspectRatio: 0.5 } });
    expect(flags.find((flag) => flag.flag === '--max-aspect-ratio')?.description).toBe(
      'thresholds.maxAspectRatio: a number from 0 to 1 (default 0.5)',
    );
    expect(flags.find((flag) => flag.path.join('.') === 'thresholds.concurrency')?.flag).toBe(
      '--thresholds-concurrency',
    );
    expect(flags.find((flag) => flag.path.join('.') === 'concurrency')?.flag).toBe('--concurrency');
  });

  it('parses flags into a nested settings patch of only what was given, and lists the changes', async () => {
    const command = new Command('set').exitOverride().argument('<name>');
    let values: Record<string, unknown> = {};
    command.action((_name, options) => {
      values = options;
    });
    addModelSettingFlags(command);
    await command.parseAsync(['andie', '--min-short-side', '512', '--swap-price', '7.5', '--trigger-word', 'ohwx'], {
      from: 'user',
    });
    const patch = settingsPatchFrom(values);
    expect(patch).toEqual({ thresholds: { minShortSide: 512 }, prices: { swap: { units: 7.5 } }, triggerWord: 'ohwx' });
    const before = { ...defaultModelSettings, triggerWord: 'andie' };
    const after = { ...before, triggerWord: 'ohwx', thresholds: { ...before.thresholds, minShortSide: 512 } };
    expect(settingChanges(before, after, { triggerWord: 'ohwx' })).toEqual([
      { setting: 'triggerWord', from: 'andie', to: 'ohwx' },
    ]);
  });

  it('refuses a value that is not a number, or not whole where the schema wants a whole number', async () => {
    const command = new Command('set')
      .exitOverride()
      .argument('<name>')
      .action(() => {});
    command.configureOutput({ writeErr: () => {} });
    addModelSettingFlags(command);
    await expect(command.parseAsync(['a', '--min-short-side', '51.5'], { from: 'user' })).rejects.toThrow(
      /expected a whole number/,
    );
    await expect(command.parseAsync(['a', '--identity-threshold', 'high'], { from: 'user' })).rejects.toThrow(
      /expected a number/,
    );
  });
});
