import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConsentError,
  type ConsentRecord,
  defaultModelSettings,
  LocalStorage,
  type ModelConfig,
  migrateModelConfig,
  NotFoundError,
  openWorkspace,
  storageKeys,
  ValidationError,
} from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';

/** A clock that starts at 2026-01-01T00:00:00Z and moves one second per call, so timestamps are predictable. */
function steppingClock(start = Date.parse('2026-01-01T00:00:00Z')): () => Date {
  let now = start;
  return () => {
    const date = new Date(now);
    now += 1000;
    return date;
  };
}

/** Makes temporary folders that are removed after each test. */
function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ms-workspace-'));
    made.push(dir);
    return dir;
  };
}

/** Catches what `promise` rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

const bytes = (text: string) => new TextEncoder().encode(text);

const tempDir = useTempDirs();

async function open() {
  const root = await tempDir();
  const ws = await openWorkspace({ root, clock: steppingClock() });
  return { root, ws };
}

async function readJsonFile(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('workspace: models', () => {
  it('creates a model with defaults and overrides, stored as versioned JSON files', async () => {
    const { root, ws } = await open();
    const config = await ws.createModel('andie', { classWord: 'woman', thresholds: { minShortSide: 1024 } });
    expect(config).toMatchObject({
      version: 1,
      name: 'andie',
      createdAt: '2026-01-01T00:00:00.000Z',
      settings: {
        triggerWord: 'andie',
        classWord: 'woman',
        thresholds: { maxBytes: 5_000_000, minShortSide: 1024, identityThreshold: 0.61, minTargetFaces: 1 },
        prices: { swap: { units: 10, unit: 'credits' }, enhance: { units: 2, unit: 'credits' } },
        concurrency: 4,
      },
      consentHistory: [],
      targets: {},
    });
    expect(config.consent).toBeUndefined();
    expect(await readJsonFile(path.join(root, 'models/andie/config.json'))).toEqual(config);
    expect(await readJsonFile(path.join(root, 'models.json'))).toEqual({
      version: 1,
      models: [{ name: 'andie', createdAt: '2026-01-01T00:00:00.000Z' }],
    });
    expect(await ws.getModel('andie')).toEqual(config);
    expect(defaultModelSettings.prices.swap.units).toBe(10);
    await ws.close();
  });

  it('lists models sorted by name', async () => {
    const { ws } = await open();
    await ws.createModel('zoe');
    await ws.createModel('andie');
    expect((await ws.listModels()).map((model) => model.name)).toEqual(['andie', 'zoe']);
    await ws.close();
  });

  it('parallel creates all land in the registry', async () => {
    const { ws } = await open();
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    await Promise.all(names.map((name) => ws.createModel(name)));
    expect((await ws.listModels()).map((model) => model.name)).toEqual(names);
    await ws.close();
  });

  it('refuses a duplicate and leaves the existing model unchanged', async () => {
    const { root, ws } = await open();
    await ws.createModel('andie', { concurrency: 2 });
    const before = await readFile(path.join(root, 'models/andie/config.json'), 'utf8');
    const error = await rejection(ws.createModel('andie'));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.message).toContain('Model "andie" already exists');
    expect(error.message).toContain('deleteModel("andie")');
    expect(await readFile(path.join(root, 'models/andie/config.json'), 'utf8')).toBe(before);
    await ws.close();
  });

  it('refuses a config.json left without a registry entry', async () => {
    const { root, ws } = await open();
    await mkdir(path.join(root, 'models/ghost'), { recursive: true });
    await writeFile(path.join(root, 'models/ghost/config.json'), '{}');
    const error = await rejection(ws.createModel('ghost'));
    expect(error.message).toContain('models.json does not list "ghost"');
    expect((await ws.deleteModel('ghost')).deletedKeys).toBe(1);
    await ws.createModel('ghost');
    await ws.close();
  });

  it('refuses invalid names everywhere and writes nothing outside the workspace', async () => {
    const { root, ws } = await open();
    for (const name of ['../evil', '/tmp/evil', 'Evil', 'con', '.evil', 'a\\b', '']) {
      for (const call of [() => ws.createModel(name), () => ws.getModel(name), () => ws.deleteModel(name)]) {
        const error = await rejection(call());
        expect(ValidationError.isInstance(error), name).toBe(true);
        expect(error.message).toContain('for example "andie"');
      }
      expect(() => ws.localModelDir(name)).toThrow(ValidationError);
    }
    expect(existsSync(path.join(root, '..', 'evil'))).toBe(false);
    expect(await readdir(root)).toEqual([]);
    await ws.close();
  });

  it('refuses invalid settings, naming the field, and writes nothing', async () => {
    const { root, ws } = await open();
    const error = await rejection(ws.createModel('andie', { concurrency: 0 }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.field).toBe('settings.concurrency');
    expect(error.message).toContain('settings.concurrency');
    const secret = await rejection(ws.createModel('andie', { providerOptions: { maxstudio: { apiKey: 'sk-x' } } }));
    expect(secret.field).toBe('settings.providerOptions.maxstudio.apiKey');
    expect(secret.message).toContain('never store them in config.json');
    expect(secret.message).not.toContain('sk-x');
    expect(await readdir(root)).toEqual([]);
    await ws.close();
  });

  it('gets a missing model as NotFoundError listing the models there are', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    const error = await rejection(ws.getModel('zoe'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain('(models: andie)');
    expect(error.message).toContain('createModel("zoe")');
    await ws.close();
  });

  it('updates with a patch or a whole config, merging settings field by field', async () => {
    const { root, ws } = await open();
    await ws.createModel('andie');
    const patched = await ws.updateModel('andie', () => ({
      settings: {
        concurrency: 2,
        thresholds: { minShortSide: 1024 },
        prices: { swap: { units: 12 } },
        budget: { limit: 500 },
      },
    }));
    expect(patched.settings.concurrency).toBe(2);
    expect(patched.settings.thresholds).toEqual({ ...defaultModelSettings.thresholds, minShortSide: 1024 });
    expect(patched.settings.prices.swap).toEqual({ units: 12, unit: 'credits' });
    expect(patched.settings.prices.enhance).toEqual({ units: 2, unit: 'credits' });
    expect(patched.settings.budget).toEqual({ limit: 500, unit: 'credits' });
    expect(patched.updatedAt > patched.createdAt).toBe(true);
    const whole = await ws.updateModel('andie', async (config) => {
      config.settings.triggerWord = 'ohwx';
      return config;
    });
    expect(whole.settings.triggerWord).toBe('ohwx');
    expect(whole.settings.concurrency).toBe(2);
    const noBudget = await ws.updateModel('andie', () => ({ settings: { budget: null } }));
    expect(noBudget.settings.budget).toBeUndefined();
    expect(await readJsonFile(path.join(root, 'models/andie/config.json'))).toEqual(noBudget);
    await ws.close();
  });

  it('refuses an update that breaks a rule or renames, leaving the file as it was', async () => {
    const { root, ws } = await open();
    await ws.createModel('andie');
    const file = path.join(root, 'models/andie/config.json');
    const before = await readFile(file, 'utf8');
    const bad = await rejection(
      ws.updateModel('andie', () => ({ settings: { thresholds: { identityThreshold: 3 } } })),
    );
    expect(bad.field).toBe('settings.thresholds.identityThreshold');
    const rename = await rejection(ws.updateModel('andie', (config) => ({ ...config, name: 'zoe' })));
    expect(rename.message).toContain('cannot change');
    const thrown = await rejection(
      ws.updateModel('andie', () => {
        throw new Error('updater failed');
      }),
    );
    expect(thrown.message).toBe('updater failed');
    expect(await readFile(file, 'utf8')).toBe(before);
    await ws.close();
  });

  it('serialises parallel updates of one model (no lost writes)', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        ws.recordTargets('andie', 'sfw', [
          { n: index + 1, origin: `/photos/${index}.jpg`, rightsStatement: 'own photo' },
        ]),
      ),
    );
    expect((await ws.getTargets('andie', 'sfw')).map((record) => record.n)).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 1),
    );
    await ws.close();
  });

  it('creates the local model folder on demand', async () => {
    const { root, ws } = await open();
    const dir = ws.localModelDir('andie');
    expect(dir).toBe(path.join(root, 'models', 'andie'));
    expect(existsSync(dir)).toBe(true);
    await ws.close();
  });
});

describe('workspace: delete', () => {
  it('deletes the model from the storage, every mirror, the local folder and the registry; neighbours stay', async () => {
    const { root, ws: plain } = await open();
    await plain.close();
    const mirrorRoot = await tempDir();
    const mirror = new LocalStorage({ root: mirrorRoot });
    const ws = await openWorkspace({ root, mirrors: [mirror], clock: steppingClock() });
    await ws.createModel('andie');
    await ws.createModel('andie-2');
    const result = { model: 'andie', source: 1, target: 3, rating: 'sfw', stage: 'enhanced' } as const;
    for (const storage of [ws.storage, mirror]) {
      await storage.put(storageKeys.result(result), bytes('jpeg'));
      await storage.put(storageKeys.caption(result), bytes('a photo of andie'));
      await storage.put(storageKeys.result({ ...result, model: 'andie-2' }), bytes('jpeg'));
    }
    await ws.storage.put(storageKeys.source('andie', 1), bytes('jpeg'));
    await writeFile(path.join(ws.localModelDir('andie'), 'progress.jsonl'), '{}\n');

    const { deletedKeys } = await ws.deleteModel('andie');
    // primary: config, result, caption, source, progress.jsonl; mirror: result, caption
    expect(deletedKeys).toBe(7);
    expect(existsSync(path.join(root, 'models/andie'))).toBe(false);
    for (const storage of [ws.storage, mirror]) {
      const left = [];
      for await (const object of storage.list({ prefix: 'models/' })) left.push(object.key);
      expect(left.every((key) => key.startsWith('models/andie-2/'))).toBe(true);
      expect(left).toContain(storageKeys.result({ ...result, model: 'andie-2' }));
    }
    expect((await ws.listModels()).map((model) => model.name)).toEqual(['andie-2']);
    expect(NotFoundError.isInstance(await rejection(ws.getModel('andie')))).toBe(true);
    expect(NotFoundError.isInstance(await rejection(ws.deleteModel('andie')))).toBe(true);
    await ws.close();
    await mirror.close();
  });

  it('an aborted delete keeps the model listed so it can be repeated', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    await ws.storage.put(storageKeys.source('andie', 1), bytes('jpeg'));
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await rejection(ws.deleteModel('andie', { signal: controller.signal }));
    expect((await ws.listModels()).map((model) => model.name)).toEqual(['andie']);
    expect((await ws.deleteModel('andie')).deletedKeys).toBe(2);
    expect(await ws.listModels()).toEqual([]);
    await ws.close();
  });
});

describe('workspace: corrupt files and migration', () => {
  /** Creates "andie", overwrites its config.json with what `contents` returns, and reads it back. */
  async function readCorrupted(contents: (config: ModelConfig) => string) {
    const { root, ws } = await open();
    const file = path.join(root, 'models/andie/config.json');
    await writeFile(file, contents(await ws.createModel('andie')));
    const error = await rejection(ws.getModel('andie'));
    await ws.close();
    expect(ValidationError.isInstance(error)).toBe(true);
    return { error, file };
  }

  it('a config.json that is not JSON is a ValidationError naming the file', async () => {
    const { error, file } = await readCorrupted(() => '{"version": 1, "name": ');
    expect(error.message).toContain(file);
    expect(error.message).toContain('not valid JSON');
  });

  it('a config.json with a bad field is a ValidationError naming the file and the field', async () => {
    const { error, file } = await readCorrupted((config) => {
      const thresholds = { ...config.settings.thresholds, maxBytes: 'big' };
      return JSON.stringify({ ...config, settings: { ...config.settings, thresholds } });
    });
    expect(error.field).toBe('settings.thresholds.maxBytes');
    expect(error.message).toContain(file);
    expect(error.message).toContain('settings.thresholds.maxBytes');
  });

  it('a config from a newer release is refused with an upgrade hint', async () => {
    const { error } = await readCorrupted((config) => JSON.stringify({ ...config, version: 7 }));
    expect(error.message).toContain('has version 7');
    expect(error.message).toContain('Upgrade @model-studio/core');
  });

  it('a config.json in the wrong folder is refused', async () => {
    const { error } = await readCorrupted((config) => JSON.stringify({ ...config, name: 'zoe' }));
    expect(error.field).toBe('name');
    expect(error.message).toContain('Set "name" to "andie"');
  });

  it('a corrupt models.json stops openWorkspace with the file and field', async () => {
    const root = await tempDir();
    await writeFile(
      path.join(root, 'models.json'),
      JSON.stringify({ version: 1, models: [{ name: '../x', createdAt: 'now' }] }),
    );
    const error = await rejection(openWorkspace({ root }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.message).toContain(path.join(root, 'models.json'));
    expect(error.field).toBe('models[0].name');
  });

  it('migrates a prototype (v0) config on read and writes version 1 on the next update', async () => {
    const root = await tempDir();
    const v0 = {
      name: 'andie',
      created: '2025-06-01T00:00:00Z',
      trigger: 'ohwx',
      class: 'woman',
      maxFileSizeMb: 4.5,
      minShortSide: 1024,
      creditsPerSwap: 9,
      consent: { subject: 'Andie', adult: true, ratings: ['sfw'], date: '2025-06-01T00:00:00Z', evidence: 'x.pdf' },
    };
    await mkdir(path.join(root, 'models/andie'), { recursive: true });
    await writeFile(path.join(root, 'models/andie/config.json'), JSON.stringify(v0));
    await writeFile(
      path.join(root, 'models.json'),
      JSON.stringify({ version: 1, models: [{ name: 'andie', createdAt: '2025-06-01T00:00:00Z' }] }),
    );
    const ws = await openWorkspace({ root, clock: steppingClock() });
    const config = await ws.getModel('andie');
    expect(config).toMatchObject({
      version: 1,
      createdAt: '2025-06-01T00:00:00Z',
      settings: {
        triggerWord: 'ohwx',
        classWord: 'woman',
        thresholds: { maxBytes: 4_500_000, minShortSide: 1024, identityThreshold: 0.61, minTargetFaces: 1 },
        prices: { swap: { units: 9, unit: 'credits' }, enhance: { units: 2, unit: 'credits' } },
      },
      consent: { subject: 'Andie', adultAttested: true, allowedRatings: ['sfw'], allowedUses: [] },
    });
    // The prototype never recorded what the subject agreed to: the migrated record covers nothing.
    const refused = await rejection(ws.assertConsent('andie', { rating: 'sfw', use: 'swap' }));
    expect(ConsentError.isInstance(refused)).toBe(true);
    expect(refused.missing).toEqual(['use "swap" not allowed (allowed uses: [])']);
    expect((await readJsonFile(path.join(root, 'models/andie/config.json'))).version).toBeUndefined();
    await ws.updateModel('andie', () => ({}));
    expect((await readJsonFile(path.join(root, 'models/andie/config.json'))).version).toBe(1);
    await ws.close();
  });

  it('reads target records as the schema would: valid ones as stored, odd ones trimmed, stripped or refused', async () => {
    /** A stored version 1 config of "andie" with `targets`, read back. */
    const read = (targets: Record<string, object[]>) =>
      migrateModelConfig({
        version: 1,
        name: 'andie',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        settings: { ...defaultModelSettings, triggerWord: 'andie' },
        consentHistory: [],
        targets,
      });
    const sfw = [
      { n: 1, origin: '/a.jpg', rightsStatement: 'own photo', recordedAt: '2026-01-01T00:00:00.000Z' },
      { n: 2, origin: '/b.jpg', rightsStatement: 'own photo', recordedAt: '2026-01-01T00:00:00.000Z' },
    ];
    const nsfw = [
      {
        n: 1,
        origin: '/c.jpg',
        rightsStatement: 'licensed',
        adultsConsented: true,
        recordedAt: '2026-01-02T00:00:00+02:00',
      },
    ];
    const config = read({ sfw: structuredClone(sfw), nsfw: structuredClone(nsfw) });
    expect(config.targets).toEqual({ sfw, nsfw });
    // Repeated strings are kept once.
    expect(Object.is(config.targets.sfw?.[0]?.recordedAt, config.targets.sfw?.[1]?.recordedAt)).toBe(true);

    const odd = (record: object) => read({ sfw: [{ ...sfw[0], ...record }] }).targets.sfw?.[0];
    expect(odd({ rightsStatement: '  own photo ' })?.rightsStatement).toBe('own photo');
    expect(odd({ note: 'left by hand' })).toEqual(sfw[0]);
    for (const bad of [{ n: 0 }, { n: 1.5 }, { origin: '' }, { rightsStatement: '   ' }, { recordedAt: 'yesterday' }]) {
      expect(() => odd(bad)).toThrow(/targets\.sfw\[0\]\./);
    }
  });

  it('writes target records as the schema would: valid ones as given, odd ones trimmed, stripped or refused', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    const record = { n: 1, origin: '/a.jpg', rightsStatement: 'own photo', recordedAt: '2026-01-01T00:00:00.000Z' };
    const update = (changes: object) =>
      ws.updateModel('andie', () => ({ targets: { sfw: [{ ...record, ...changes }] } }));
    expect((await update({})).targets).toEqual({ sfw: [record] });
    expect((await update({ rightsStatement: '  own photo ' })).targets.sfw?.[0]?.rightsStatement).toBe('own photo');
    expect((await update({ note: 'left by hand' })).targets.sfw).toEqual([record]);
    expect((await ws.getModel('andie')).targets.sfw).toEqual([record]);
    for (const bad of [{ n: 0 }, { origin: '' }, { rightsStatement: '   ' }, { recordedAt: 'yesterday' }]) {
      const refused = await rejection(update(bad));
      expect(ValidationError.isInstance(refused)).toBe(true);
      expect((refused as Error).message).toMatch(/targets\.sfw\[0\]\./);
    }
    const badRating = await rejection(ws.updateModel('andie', () => ({ targets: { 'not a rating': [record] } })));
    expect(ValidationError.isInstance(badRating)).toBe(true);
    // Nothing refused was written.
    expect((await ws.getModel('andie')).targets).toEqual({ sfw: [record] });
    await ws.close();
  });

  it('migrateModelConfig names the file in errors for a broken v0 config', () => {
    expect(() => migrateModelConfig({ trigger: 'x' }, { source: 'old.json' })).toThrow(
      /old\.json has no "version" field/,
    );
    expect(() => migrateModelConfig([], { source: 'old.json' })).toThrow(/not a JSON object/);
    expect(() => migrateModelConfig({ version: 'one' })).toThrow(ValidationError);
  });
});

describe('workspace: numbering', () => {
  it('next source and target numbers follow what is stored and recorded', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    expect(await ws.nextSourceNumber('andie')).toBe(1);
    expect(await ws.nextTargetNumber('andie', 'sfw')).toBe(1);
    for (const n of [1, 2, 10]) await ws.storage.put(storageKeys.source('andie', n), bytes('jpeg'));
    await ws.storage.put('models/andie/source/holiday.jpg', bytes('stray'));
    expect(await ws.nextSourceNumber('andie')).toBe(11);
    await ws.storage.put(storageKeys.target('andie', 'sfw', 999), bytes('jpeg'));
    expect(await ws.nextTargetNumber('andie', 'sfw')).toBe(1000);
    await ws.recordTargets('andie', 'nsfw', [
      { n: 7, origin: '/photos/x.jpg', rightsStatement: 'licensed', adultsConsented: true },
    ]);
    expect(await ws.nextTargetNumber('andie', 'nsfw')).toBe(8);
    await ws.close();
  });
});

const consent: ConsentRecord = {
  subject: 'Andie Example',
  adultAttested: true,
  attestedBy: 'operator, ID checked in person',
  allowedRatings: ['sfw'],
  allowedUses: ['swap', 'train'],
  obtainedAt: '2026-01-15T10:00:00Z',
  evidenceRef: 'contracts/andie-2026-01-15.pdf',
};

describe('workspace: consent', () => {
  it('blocks work until consent is set, then allows what it covers', async () => {
    const { root, ws } = await open();
    await ws.createModel('andie');
    const none = await rejection(ws.assertConsent('andie', { rating: 'sfw', use: 'swap' }));
    expect(ConsentError.isInstance(none)).toBe(true);
    expect(none.missing).toEqual(['no consent record']);
    await ws.setConsent('andie', consent);
    expect((await ws.assertConsent('andie', { rating: 'sfw', use: 'swap' })).consent).toEqual(consent);
    const nsfw = await rejection(ws.assertConsent('andie', { rating: 'nsfw', use: 'swap' }));
    expect(nsfw.missing).toEqual(['rating "nsfw" not in allowed ratings [sfw]']);
    expect((await readJsonFile(path.join(root, 'models/andie/config.json'))).consent).toEqual(consent);
    await ws.close();
  });

  it('refuses an invalid record, naming the field, and keeps history of replaced records', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    const bad = await rejection(ws.setConsent('andie', { ...consent, evidenceRef: '  ' }));
    expect(ValidationError.isInstance(bad)).toBe(true);
    expect(bad.field).toBe('evidenceRef');
    const badDate = await rejection(ws.setConsent('andie', { ...consent, obtainedAt: 'last tuesday' }));
    expect(badDate.field).toBe('obtainedAt');
    await ws.setConsent('andie', consent);
    const wider = { ...consent, allowedRatings: ['sfw', 'nsfw'], obtainedAt: '2026-02-01T09:00:00Z' };
    const config = await ws.setConsent('andie', wider);
    expect(config.consent).toEqual(wider);
    expect(config.consentHistory).toEqual([consent]);
    await ws.close();
  });

  it('revocation is recorded, blocks further work, and keeps its first time', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    await ws.setConsent('andie', consent);
    const noReason = await rejection(ws.revokeConsent('andie', { reason: ' ' }));
    expect(noReason.field).toBe('reason');
    const { config, deletedKeys } = await ws.revokeConsent('andie', { reason: 'withdrawn by email' });
    expect(deletedKeys).toBe(0);
    expect(config.consent?.revokedReason).toBe('withdrawn by email');
    const revokedAt = config.consent?.revokedAt;
    expect(revokedAt).toMatch(/^2026-01-01T00:00:0\d\.000Z$/);
    const blocked = await rejection(ws.assertConsent('andie', { rating: 'sfw', use: 'swap' }));
    expect(ConsentError.isInstance(blocked)).toBe(true);
    expect(blocked.missing).toEqual([`revoked at ${revokedAt} (reason: "withdrawn by email")`]);
    expect(blocked.message).toContain('Revoked consent blocks all work');
    const again = await ws.revokeConsent('andie', { reason: 'second call' });
    expect(again.config.consent?.revokedAt).toBe(revokedAt);
    expect(again.config.consent?.revokedReason).toBe('withdrawn by email');
    await ws.close();
  });

  it('revoking without a record is refused', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    const error = await rejection(ws.revokeConsent('andie', { reason: 'x' }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.message).toContain('has no consent record to revoke');
    await ws.close();
  });

  it('revocation with deleteData removes the data everywhere but keeps config.json and costs.jsonl', async () => {
    const root = await tempDir();
    const mirror = new LocalStorage({ root: await tempDir() });
    const ws = await openWorkspace({ root, mirrors: [mirror], clock: steppingClock() });
    await ws.createModel('andie');
    await ws.setConsent('andie', consent);
    await ws.recordTargets('andie', 'sfw', [{ n: 1, origin: '/photos/beach.jpg', rightsStatement: 'own photo' }]);
    const result = { model: 'andie', source: 1, target: 1, rating: 'sfw', stage: 'enhanced' } as const;
    await ws.storage.put(storageKeys.source('andie', 1), bytes('jpeg'));
    await ws.storage.put(storageKeys.target('andie', 'sfw', 1), bytes('jpeg'));
    await ws.storage.put(storageKeys.dataset('andie', 'v1', 'manifest.json'), bytes('{}'));
    for (const storage of [ws.storage, mirror]) await storage.put(storageKeys.result(result), bytes('jpeg'));
    await writeFile(path.join(ws.localModelDir('andie'), 'progress.jsonl'), '{}\n');
    await writeFile(path.join(ws.localModelDir('andie'), 'costs.jsonl'), '{"credits":10}\n');

    const { config, deletedKeys } = await ws.revokeConsent('andie', { reason: 'withdrawn', deleteData: true });
    expect(deletedKeys).toBe(6); // source, target, manifest, result, progress.jsonl; mirror result
    expect((await readdir(path.join(root, 'models/andie'))).sort()).toEqual(['config.json', 'costs.jsonl']);
    const mirrored = [];
    for await (const object of mirror.list({ prefix: 'models/' })) mirrored.push(object.key);
    expect(mirrored).toEqual([]);
    expect(config.targets).toEqual({});
    expect(config.consent?.revokedAt).toBeDefined();
    expect((await ws.listModels()).map((model) => model.name)).toEqual(['andie']);
    expect(ConsentError.isInstance(await rejection(ws.assertConsent('andie', { rating: 'sfw', use: 'train' })))).toBe(
      true,
    );
    // Only new documented consent unblocks the model; the revoked record stays in history.
    const renewed = await ws.setConsent('andie', { ...consent, obtainedAt: '2026-03-01T00:00:00Z' });
    expect(renewed.consentHistory[0]?.revokedReason).toBe('withdrawn');
    await ws.assertConsent('andie', { rating: 'sfw', use: 'swap' });
    await ws.close();
    await mirror.close();
  });
});

describe('workspace: target provenance', () => {
  it('records provenance per rating, replacing an entry with the same number', async () => {
    const { root, ws } = await open();
    await ws.createModel('andie');
    await ws.recordTargets('andie', 'sfw', [
      { n: 2, origin: '/photos/b.jpg', rightsStatement: 'own photo' },
      { n: 1, origin: 'https://user:pw@example.com/a.jpg?X-Amz-Signature=abc&size=2', rightsStatement: 'licensed' },
    ]);
    const records = await ws.recordTargets('andie', 'sfw', [
      { n: 2, origin: '/photos/b2.jpg', rightsStatement: 'own' },
    ]);
    expect(records.map((record) => [record.n, record.origin])).toEqual([
      [1, 'https://example.com/a.jpg?X-Amz-Signature=REDACTED&size=2'],
      [2, '/photos/b2.jpg'],
    ]);
    expect(records[0]?.recordedAt).toMatch(/^2026-01-01T/);
    expect(await ws.getTargets('andie', 'sfw')).toEqual(records);
    expect(await ws.getTargets('andie', 'nsfw')).toEqual([]);
    const stored = await readFile(path.join(root, 'models/andie/config.json'), 'utf8');
    expect(stored).not.toContain('abc');
    expect(stored).not.toContain('pw@');
    await ws.close();
  });

  it('refuses nsfw targets without the adults-consented statement and records nothing', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    const error = await rejection(
      ws.recordTargets('andie', 'nsfw', [
        { n: 1, origin: '/p/1.jpg', rightsStatement: 'licensed', adultsConsented: true },
        { n: 2, origin: '/p/2.jpg', rightsStatement: 'licensed' },
        { n: 3, origin: '/p/3.jpg', rightsStatement: 'licensed', adultsConsented: false },
      ]),
    );
    expect(ConsentError.isInstance(error)).toBe(true);
    expect(error.missing).toEqual([
      'target 2: adults-consented statement for rating "nsfw"',
      'target 3: adults-consented statement for rating "nsfw"',
    ]);
    expect(error.message).toContain('targets 2, 3');
    expect(await ws.getTargets('andie', 'nsfw')).toEqual([]);
    const ok = await ws.recordTargets('andie', 'nsfw', [
      { n: 1, origin: '/p/1.jpg', rightsStatement: 'licensed', adultsConsented: true },
    ]);
    expect(ok[0]?.adultsConsented).toBe(true);
    await ws.close();
  });

  it('refuses entries without origin or rights statement, and bad ratings or numbers', async () => {
    const { ws } = await open();
    await ws.createModel('andie');
    const noRights = await rejection(
      ws.recordTargets('andie', 'sfw', [{ n: 1, origin: '/p.jpg', rightsStatement: '' }]),
    );
    expect(noRights.field).toBe('rightsStatement');
    const noOrigin = await rejection(ws.recordTargets('andie', 'sfw', [{ n: 1, origin: ' ', rightsStatement: 'own' }]));
    expect(noOrigin.field).toBe('origin');
    const badNumber = await rejection(
      ws.recordTargets('andie', 'sfw', [{ n: 0, origin: '/p', rightsStatement: 'own' }]),
    );
    expect(badNumber.field).toBe('target');
    const badRating = await rejection(ws.getTargets('andie', 'NSFW'));
    expect(badRating.field).toBe('rating');
    expect(NotFoundError.isInstance(await rejection(ws.recordTargets('zoe', 'sfw', [])))).toBe(true);
    await ws.close();
  });
});
