import path from 'node:path';
import {
  assertModelName,
  assertRating,
  assertRelativeFilePath,
  assertVersionName,
  compareResultNames,
  formatResultName,
  formatSourceName,
  formatTargetName,
  isModelName,
  parseModelName,
  parseResultName,
  parseSourceName,
  parseStageId,
  parseTargetName,
  parseUnitId,
  type ResultNameParts,
  stageId,
  stageOfStageId,
  storageKeys,
  suggestModelName,
  unitId,
  unitIdOfStage,
  ValidationError,
} from '@model-studio/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertStorageKey } from '../src/storage/storage-key.js';

const slugChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const devices = new Set([
  'con',
  'prn',
  'aux',
  'nul',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`]),
]);

/** Every accepted model name (including ones that look like other name parts, e.g. `a-s1-t001-sfw`). */
const modelName = fc
  .oneof(
    fc.string({ unit: fc.oneof(slugChar, fc.constant('-')), minLength: 1, maxLength: 64 }),
    fc.constantFrom('a', 'andie', 'x-s1-t001-sfw', 'm-source-2', 'p-t003', 'a--b', 'z'.repeat(64), 'com10', 'con1'),
  )
  .filter((name) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(name) && !devices.has(name));
const rating = fc
  .oneof(fc.string({ unit: slugChar, minLength: 1, maxLength: 32 }), fc.constantFrom('sfw', 'nsfw'))
  .filter((value) => !devices.has(value));
const versionName = modelName;
const positive = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));
const parts: fc.Arbitrary<ResultNameParts> = fc.record({
  model: modelName,
  source: positive,
  target: positive,
  rating,
  stage: fc.constantFrom('swapped' as const, 'enhanced' as const),
});

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

describe('model names', () => {
  it.each([
    ['', 'it is empty'],
    ['..', 'it contains ".."'],
    ['a..b', 'it contains ".."'],
    ['../etc', 'path separator'],
    ['a/b', 'path separator'],
    ['a\\b', 'path separator'],
    ['/etc', 'absolute path'],
    ['\\\\server', 'absolute path'],
    ['C:', 'absolute path'],
    ['c:\\x', 'absolute path'],
    ['a\0b', 'NUL'],
    ['.hidden', 'starts with a dot'],
    ['CON', 'Windows device name'],
    ['con', 'Windows device name'],
    ['nul', 'Windows device name'],
    ['com1', 'Windows device name'],
    ['LPT9', 'Windows device name'],
    ['-andie', 'hyphen'],
    ['andie-', 'hyphen'],
    ['Andie', 'not allowed: "A"'],
    ['andie smith', 'not allowed: " "'],
    ['andie_2', 'not allowed: "_"'],
    ['a'.repeat(65), '65 characters long'],
  ])('refuses %j (%s) with the rule and an example', (name, problem) => {
    const error = refusal(() => assertModelName(name));
    expect(error.message).toContain(problem);
    expect(error.message).toContain('1-64 lower-case letters');
    expect(error.message).toContain('for example "andie"');
    expect(error.field).toBe('model name');
    expect(error.value).toBe(name);
  });

  it('refuses non-strings', () => {
    expect(refusal(() => parseModelName(42)).message).toContain('it is number, not a string');
    expect(refusal(() => parseModelName(null)).message).toContain('it is null');
  });

  it('suggests a usable name derived from the input', () => {
    expect(refusal(() => assertModelName('Andie Smith')).message).toContain('Try "andie-smith".');
    expect(suggestModelName('Zoë  Ünal!')).toBe('zoe-unal');
    expect(suggestModelName('CON')).toBe('con-model');
    expect(suggestModelName('../../')).toBeUndefined();
    expect(suggestModelName(`${'a'.repeat(63)}-b`)).toBe('a'.repeat(63));
  });

  it('accepts boundary names', () => {
    for (const name of ['a', '7', 'a-b', 'a--b', 'z'.repeat(64), 'com10', 'console', 'com0']) {
      expect(parseModelName(name)).toBe(name);
    }
  });

  it('property: every accepted name is a slug and resolves inside a workspace folder', () => {
    const root = path.resolve('/tmp/workspace-root');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), modelName), (name) => {
        if (!isModelName(name)) {
          expect(() => assertModelName(name)).toThrow(ValidationError);
          return;
        }
        expect(name).toMatch(/^[a-z0-9-]{1,64}$/);
        const dir = path.resolve(root, 'models', name);
        expect(dir.startsWith(root + path.sep)).toBe(true);
        expect(path.dirname(dir)).toBe(path.join(root, 'models'));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: names with traversal characters are always refused with a ValidationError', () => {
    const dangerous = fc
      .tuple(
        fc.string({ maxLength: 10 }),
        fc.constantFrom('..', '/', '\\', '\0', '.', 'C:\\'),
        fc.string({ maxLength: 10 }),
      )
      .map(([before, bad, after]) => (bad === '.' || bad === 'C:\\' ? bad + before + after : before + bad + after));
    fc.assert(
      fc.property(dangerous, (name) => {
        expect(isModelName(name)).toBe(false);
        expect(() => assertModelName(name)).toThrow(ValidationError);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('ratings and versions', () => {
  it('refuses hyphenated, upper-case, device-name and traversal ratings', () => {
    expect(refusal(() => assertRating('nsfw-soft')).message).toContain('without hyphens');
    expect(refusal(() => assertRating('NSFW')).message).toContain('for example "sfw" or "nsfw"');
    expect(refusal(() => assertRating('aux')).message).toContain('Windows device name');
    expect(refusal(() => assertRating('../x')).field).toBe('rating');
  });

  it('versions follow the slug rule', () => {
    expect(() => assertVersionName('v1')).not.toThrow();
    expect(() => assertVersionName('2026-01-15')).not.toThrow();
    expect(refusal(() => assertVersionName('v1.2')).message).toContain('for example "v1"');
    expect(refusal(() => assertVersionName('..')).field).toBe('version');
  });
});

describe('result names', () => {
  it('formats the example from the brief', () => {
    const example = { model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' } as const;
    expect(formatResultName(example)).toBe('andie-s2-t003-sfw-enhanced.jpg');
    expect(parseResultName('andie-s2-t003-sfw-enhanced.jpg')).toEqual(example);
    expect(formatResultName({ ...example, target: 1000, stage: 'swapped' })).toBe('andie-s2-t1000-sfw-swapped.jpg');
  });

  it('returns undefined for names that do not follow the rule', () => {
    for (const name of [
      'holiday.jpg',
      'andie-s2-t03-sfw-enhanced.jpg', // fewer than 3 target digits
      'andie-s2-t0003-sfw-enhanced.jpg', // non-canonical padding
      'andie-s02-t003-sfw-enhanced.jpg',
      'andie-s0-t003-sfw-enhanced.jpg',
      'andie-s2-t000-sfw-enhanced.jpg',
      'andie-s2-t003-sfw-resized.jpg',
      'andie-s2-t003-sfw-enhanced.png',
      'Andie-s2-t003-sfw-enhanced.jpg',
      '-s2-t003-sfw-enhanced.jpg',
      'andie-s2-t003-con-enhanced.jpg',
    ]) {
      expect(parseResultName(name), name).toBeUndefined();
    }
  });

  it('refuses invalid parts with a ValidationError naming the part', () => {
    const good: ResultNameParts = { model: 'andie', source: 1, target: 1, rating: 'sfw', stage: 'swapped' };
    expect(refusal(() => formatResultName({ ...good, model: '../x' })).field).toBe('model name');
    expect(refusal(() => formatResultName({ ...good, source: 0 })).field).toBe('source');
    expect(refusal(() => formatResultName({ ...good, target: 1.5 })).field).toBe('target');
    expect(refusal(() => formatResultName({ ...good, rating: 'nsfw-x' })).field).toBe('rating');
    expect(refusal(() => formatResultName({ ...good, stage: 'raw' as 'swapped' })).field).toBe('stage');
  });

  it('property: format then parse gives the parts back; parse then format gives the name back', () => {
    fc.assert(
      fc.property(parts, (value) => {
        const name = formatResultName(value);
        expect(name).toMatch(/-t\d{3,}-/);
        expect(parseResultName(name)).toEqual(value);
        expect(formatResultName(parseResultName(name)!)).toBe(name);
        expect(parseStageId(stageId(value))).toEqual(value);
        const { stage: _stage, ...unit } = value;
        expect(parseUnitId(unitId(unit))).toEqual(unit);
        expect(unitIdOfStage(stageId(value))).toBe(unitId(unit));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts numerically: t1000 after t999, s10 after s9, swapped before enhanced', () => {
    const names = [
      'andie-s1-t1000-sfw-swapped.jpg',
      'notes.txt',
      'andie-s10-t001-sfw-swapped.jpg',
      'andie-s1-t999-sfw-enhanced.jpg',
      'andie-s1-t999-sfw-swapped.jpg',
      'andie-s9-t002-nsfw-swapped.jpg',
      'andie-s1-t002-sfw-swapped.jpg',
    ];
    expect([...names].sort(compareResultNames)).toEqual([
      'andie-s1-t002-sfw-swapped.jpg',
      'andie-s1-t999-sfw-swapped.jpg',
      'andie-s1-t999-sfw-enhanced.jpg',
      'andie-s1-t1000-sfw-swapped.jpg',
      'andie-s9-t002-nsfw-swapped.jpg',
      'andie-s10-t001-sfw-swapped.jpg',
      'notes.txt',
    ]);
  });

  it('property: sorting agrees with the numeric order of targets', () => {
    fc.assert(
      fc.property(fc.uniqueArray(positive, { minLength: 2, maxLength: 30 }), (targets) => {
        const sorted = targets
          .map((target) => formatResultName({ model: 'm', source: 1, target, rating: 'sfw', stage: 'swapped' }))
          .sort(compareResultNames)
          .map((name) => parseResultName(name)!.target);
        expect(sorted).toEqual([...targets].sort((a, b) => a - b));
      }),
    );
  });
});

describe('source and target names', () => {
  it('formats and parses the documented examples', () => {
    expect(formatSourceName('andie', 1)).toBe('andie-source-1.jpg');
    expect(parseSourceName('andie-source-1.jpg')).toEqual({ model: 'andie', source: 1 });
    expect(formatTargetName('andie', 3)).toBe('andie-t003.jpg');
    expect(parseTargetName('andie-t003.jpg')).toEqual({ model: 'andie', target: 3 });
    expect(parseTargetName('andie-t03.jpg')).toBeUndefined();
    expect(parseSourceName('andie-source-01.jpg')).toBeUndefined();
    expect(parseSourceName('x.jpg')).toBeUndefined();
  });

  it('property: round-trip for every valid model and number', () => {
    fc.assert(
      fc.property(modelName, positive, (model, n) => {
        expect(parseSourceName(formatSourceName(model, n))).toEqual({ model, source: n });
        expect(parseTargetName(formatTargetName(model, n))).toEqual({ model, target: n });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('unit ids and stage ids', () => {
  it('formats the crash-safety ids: a unit, and one stage of it', () => {
    const unit = { model: 'andie', source: 2, target: 3, rating: 'sfw' };
    expect(stageId({ ...unit, stage: 'enhanced' })).toBe('andie:s2:t003:sfw:enhanced');
    expect(unitId(unit)).toBe('andie:s2:t003:sfw');
    expect(parseUnitId('andie:s2:t003:sfw')).toEqual(unit);
    expect(parseStageId('andie:s2:t003:sfw:enhanced')).toEqual({ ...unit, stage: 'enhanced' });
    expect(unitIdOfStage('andie:s2:t003:sfw:swapped')).toBe('andie:s2:t003:sfw');
    expect(stageOfStageId('andie:s2:t003:sfw:swapped')).toBe('swapped');
    expect(parseStageId('andie:s2:t0003:sfw:enhanced')).toBeUndefined();
    expect(parseStageId('andie:s2:t003:sfw:resized')).toBeUndefined();
    expect(parseStageId('../x:s2:t003:sfw:enhanced')).toBeUndefined();
  });

  it('keeps the two apart: a unit id is no stage id and the other way round', () => {
    expect(parseUnitId('andie:s2:t003:sfw:enhanced')).toBeUndefined();
    expect(parseStageId('andie:s2:t003:sfw')).toBeUndefined();
    expect(unitIdOfStage('andie:s2:t003:sfw')).toBeUndefined();
    const withStage = { model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' };
    expect(() => unitId(withStage as Parameters<typeof unitId>[0])).toThrow(/use stageId\(\)/);
  });
});

describe('storage keys', () => {
  const result: ResultNameParts = { model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' };

  it('builds every key of the workspace layout', () => {
    expect(storageKeys.registry()).toBe('models.json');
    expect(storageKeys.modelPrefix('andie')).toBe('models/andie/');
    expect(storageKeys.config('andie')).toBe('models/andie/config.json');
    expect(storageKeys.sourcePrefix('andie')).toBe('models/andie/source/');
    expect(storageKeys.source('andie', 1)).toBe('models/andie/source/andie-source-1.jpg');
    expect(storageKeys.targetPrefix('andie', 'nsfw')).toBe('models/andie/targets/nsfw/');
    expect(storageKeys.target('andie', 'sfw', 3)).toBe('models/andie/targets/sfw/andie-t003.jpg');
    expect(storageKeys.resultsPrefix('andie')).toBe('models/andie/results/');
    expect(storageKeys.resultPrefix(result)).toBe('models/andie/results/sfw/source_2/enhanced/');
    expect(storageKeys.result(result)).toBe(
      'models/andie/results/sfw/source_2/enhanced/andie-s2-t003-sfw-enhanced.jpg',
    );
    expect(storageKeys.result({ ...result, stage: 'swapped' })).toBe(
      'models/andie/results/sfw/source_2/swapped/andie-s2-t003-sfw-swapped.jpg',
    );
    expect(storageKeys.caption(result)).toBe(
      'models/andie/results/sfw/source_2/enhanced/andie-s2-t003-sfw-enhanced.txt',
    );
    expect(storageKeys.datasetsPrefix('andie')).toBe('models/andie/datasets/');
    expect(storageKeys.datasetPrefix('andie', 'v1')).toBe('models/andie/datasets/v1/');
    expect(storageKeys.dataset('andie', 'v1', '10_ohwx person/a.jpg')).toBe(
      'models/andie/datasets/v1/10_ohwx person/a.jpg',
    );
    expect(storageKeys.lorasPrefix('andie')).toBe('models/andie/loras/');
    expect(storageKeys.loraPrefix('andie', 'v2')).toBe('models/andie/loras/v2/');
    expect(storageKeys.lora('andie', 'v2', 'lora.safetensors')).toBe('models/andie/loras/v2/lora.safetensors');
    expect(storageKeys.progress('andie')).toBe('models/andie/progress.jsonl');
    expect(storageKeys.costs('andie')).toBe('models/andie/costs.jsonl');
  });

  it('refuses bad parts and file paths that would escape a version folder', () => {
    expect(() => storageKeys.config('..')).toThrow(ValidationError);
    expect(() => storageKeys.targetPrefix('andie', '../../x')).toThrow(ValidationError);
    expect(() => storageKeys.datasetPrefix('andie', '..')).toThrow(ValidationError);
    for (const file of ['', '../x', 'a/../../b', '/etc/passwd', 'a\\b', 'a//b', './a', 'a\0b', 'C:/x']) {
      expect(refusal(() => assertRelativeFilePath(file)).field, file).toBe('file');
      expect(() => storageKeys.lora('andie', 'v1', file)).toThrow(ValidationError);
    }
  });

  it('property: no key built from accepted parts resolves outside the workspace or the model folder', () => {
    const root = path.resolve('/tmp/ws');
    // Arbitrary strings, biased towards path syntax: a path that is not refused must stay inside the version folder.
    const pathy = fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '\\', ':', ' ', 'C'), maxLength: 12 });
    const file = fc.oneof(pathy, fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(parts, versionName, file, (value, version, candidate) => {
        let relative: string;
        try {
          assertRelativeFilePath(candidate);
          relative = candidate;
        } catch (error) {
          expect(ValidationError.isInstance(error)).toBe(true);
          relative = 'manifest.json';
        }
        const modelDir = path.resolve(root, 'models', value.model) + path.sep;
        const keys = [
          storageKeys.config(value.model),
          storageKeys.source(value.model, value.source),
          storageKeys.target(value.model, value.rating, value.target),
          storageKeys.result(value),
          storageKeys.caption(value),
          storageKeys.dataset(value.model, version, relative),
          storageKeys.lora(value.model, version, relative),
          storageKeys.progress(value.model),
          storageKeys.costs(value.model),
        ];
        for (const key of keys) {
          expect(path.resolve(root, key).startsWith(modelDir), key).toBe(true);
          assertStorageKey(key);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
