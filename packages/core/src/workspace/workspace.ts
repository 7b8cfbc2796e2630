import { mkdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { assertConsent, type ConsentRequest } from '../consent/assert-consent.js';
import { type ConsentRecord, consentRecordSchema } from '../consent/consent-record.js';
import {
  checkTargetProvenance,
  type TargetProvenanceEntry,
  type TargetProvenanceRecord,
} from '../consent/target-provenance.js';
import { ModelBusyError, NotFoundError, ValidationError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { assertModelName, assertRating, modelRecordFiles, storageKeys } from '../naming/index.js';
import { listStorageKeys } from '../storage/list-storage-keys.js';
import { KeyedLock } from './keyed-lock.js';
import { MODEL_CONFIG_VERSION, type ModelConfig, migrateModelConfig, parseModelConfig } from './model-config.js';
import { type ModelOverview, modelOverview } from './model-overview.js';
import { type ModelSummary, readModelRegistry, writeModelRegistry } from './model-registry.js';
import { type ModelRunLockWaitOptions, modelRunLockHolder, withModelRunLock } from './model-run-lock.js';
import {
  initialModelSettings,
  type ModelSettingsInput,
  mergeModelSettings,
  modelSettingsSchema,
} from './model-settings.js';
import { describeKey, readJson, writeJson } from './storage-json.js';
import { storedPhotoNumbers } from './stored-photo-numbers.js';
import { validationErrorFromZod } from './zod-issues.js';

/**
 * What an `updateModel` updater may return: a whole config (as received, changed) or only the fields to change.
 * `settings` is merged field by field; `name`, `version` and `createdAt` cannot change; `updatedAt` is set on write.
 */
export interface ModelConfigPatch {
  /** Settings to change, merged field by field (thresholds and prices per entry). */
  settings?: ModelSettingsInput;
  /** Replaces the consent record (`undefined` removes it). Prefer `Workspace.setConsent`, which keeps history. */
  consent?: ConsentRecord | undefined;
  /** Replaces the consent history. */
  consentHistory?: ConsentRecord[];
  /** Replaces the target provenance records (per rating). */
  targets?: Record<string, TargetProvenanceRecord[]>;
  /** Must equal the current name when present. */
  name?: string;
  /** Must equal the current version when present. */
  version?: number;
  /** Must equal the current value when present. */
  createdAt?: string;
  /** Ignored: set on write. */
  updatedAt?: string;
}

/**
 * Options for {@link Workspace.deleteModel}. A model that another process is running is never deleted
 * (`ModelBusyError`, nothing deleted).
 */
export interface DeleteModelOptions {
  /** Stops between batches; what was deleted stays deleted and the model stays listed, so the call can be repeated. */
  signal?: AbortSignal;
}

/** Options for {@link Workspace.revokeConsent}. */
export interface RevokeConsentOptions {
  /** Why consent was revoked (kept in the record). */
  reason: string;
  /**
   * Also delete the model's data everywhere: every object under `models/<model>/` in the storage and every mirror,
   * and every file in the local model folder, except `config.json` (which keeps the revoked consent record as
   * evidence that revocation was honoured) and `costs.jsonl` (the cost ledger: unit ids and credits, no images).
   * Target provenance records are cleared. Call `deleteModel` afterwards to remove those too.
   *
   * Nothing is deleted while another process is running the model (it holds the model's run lock): the revocation
   * is recorded first, so that run stops before its next paid call, then the call waits up to `waitForRunMs` for it
   * to stop and deletes, or throws `ModelBusyError` (consent revoked, data NOT deleted; call again to delete). While
   * deleting it holds the run lock, so no run of the model starts meanwhile.
   * @default false
   */
  deleteData?: boolean;
  /**
   * With `deleteData`: how long to wait, in milliseconds, for a run of the model in another process to stop before
   * deleting. The lock is looked at every 200 ms. 0 throws `ModelBusyError` at once (after recording the revocation).
   * @default 0
   * @example
   * ```ts no-run
   * // Revoke, then give a run in another process up to a minute to stop before deleting.
   * await ws.revokeConsent('andie', { reason: 'subject withdrew by email', deleteData: true, waitForRunMs: 60_000 });
   * ```
   */
  waitForRunMs?: number;
  /**
   * Stops deleting between batches, or the wait for another process's run; the revocation stays recorded and what was
   * deleted stays deleted, so the call can be repeated.
   */
  signal?: AbortSignal;
}

/** What {@link Workspace.revokeConsent} did. */
export interface RevokeConsentResult {
  config: ModelConfig;
  /** Objects deleted across the storage and mirrors (0 without `deleteData`). */
  deletedKeys: number;
}

/** Settings the workspace was opened with (see `openWorkspace`). Internal. */
export interface WorkspaceInit {
  /** Absolute path of the local workspace folder. */
  root: string;
  /** Where models.json, configs, photos and results are stored. */
  storage: Storage;
  /** Extra storages results are copied to. */
  mirrors: readonly Storage[];
  /** Time source for timestamps. */
  clock: () => Date;
  /** Closed by `Workspace.close` (the default LocalStorage the workspace created itself). */
  owned?: { close(): Promise<void> };
}

/** Kept by `revokeConsent({ deleteData: true })`; `run.lock` is the run lock the deletion holds, released after. */
const keptOnRevocation = new Set(['config.json', modelRecordFiles.ledger, modelRecordFiles.runLock]);

/**
 * A workspace: the model registry (`models.json`), each model's `config.json` (settings, consent record, target
 * provenance) and its files, in a storage (LocalStorage by default) plus optional mirrors that results are copied to.
 * Open one with `openWorkspace`. Writes within one process are serialised per model; two processes writing the same
 * model's config at the same time are not coordinated (the last write wins).
 *
 * @example
 * ```ts
 * const ws = await openWorkspace({ root: './studio' });
 * await ws.createModel('andie', { classWord: 'woman' });
 * ```
 */
export class Workspace {
  /** Absolute path of the local workspace folder (journals, ledgers and, by default, all files). */
  readonly root: string;
  /** Where models.json, config.json, photos and results are stored. */
  readonly storage: Storage;
  /** Extra storages results are copied to (by the orchestrator); `deleteModel` deletes from them too. */
  readonly mirrors: readonly Storage[];
  readonly #clock: () => Date;
  readonly #owned: { close(): Promise<void> } | undefined;
  readonly #lock = new KeyedLock();

  /** Use `openWorkspace` instead. */
  constructor(init: WorkspaceInit) {
    this.root = init.root;
    this.storage = init.storage;
    this.mirrors = Object.freeze([...new Set(init.mirrors)].filter((mirror) => mirror !== init.storage));
    this.#clock = init.clock;
    this.#owned = init.owned;
  }

  /**
   * The absolute local folder of a model, `<root>/models/<model>`, where the progress journal and cost ledger live.
   * Created (with parents) if missing. Throws a `ValidationError` for an invalid model name.
   */
  localModelDir(model: string): string {
    assertModelName(model);
    const dir = path.join(this.root, 'models', model);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * Creates a model with default settings overridden by `settings`, writes its `config.json`, then registers it in
   * `models.json`. Throws a `ValidationError` when the name is invalid, the model exists, or a setting is invalid
   * (the message names the field; nothing is written).
   */
  async createModel(name: string, settings?: ModelSettingsInput): Promise<ModelConfig> {
    assertModelName(name);
    return this.#lock.run(['registry', `model:${name}`], async () => {
      const registry = await readModelRegistry(this.storage);
      const existing = registry.models.find((model) => model.name === name);
      if (existing) {
        throw new ValidationError(
          `Model "${name}" already exists (created ${existing.createdAt}). Choose another name, or delete it first ` +
            `(workspace.deleteModel("${name}")).`,
          { field: 'model name', value: name, hint: { action: 'delete-model', model: name } },
        );
      }
      const configKey = storageKeys.config(name);
      if (await this.storage.head(configKey)) {
        throw new ValidationError(
          `${describeKey(this.storage, configKey)} already exists but models.json does not list "${name}" ` +
            `(an interrupted create or delete). Remove it with workspace.deleteModel("${name}"), then create it again.`,
          { field: 'model name', value: name },
        );
      }
      const now = this.#clock().toISOString();
      const config = this.#validate(name, {
        version: MODEL_CONFIG_VERSION,
        name,
        createdAt: now,
        updatedAt: now,
        settings: mergeModelSettings(initialModelSettings(name), settings),
        consentHistory: [],
        targets: {},
      });
      await writeJson(this.storage, configKey, config);
      registry.models.push({ name, createdAt: now });
      await writeModelRegistry(this.storage, registry);
      return config;
    });
  }

  /** Every registered model, sorted by name. */
  async listModels(): Promise<ModelSummary[]> {
    const registry = await readModelRegistry(this.storage);
    return [...registry.models].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Reads a model's `config.json`, upgrading older versions in memory (they are written back on the next update).
   * Throws `NotFoundError` when the model does not exist and `ValidationError` (naming the file and field) when the
   * file is corrupt.
   */
  async getModel(name: string): Promise<ModelConfig> {
    assertModelName(name);
    const key = storageKeys.config(name);
    const raw = await readJson(this.storage, key);
    if (raw === undefined) {
      const names = (await this.listModels()).map((model) => model.name);
      throw new NotFoundError(
        `Model "${name}" does not exist in workspace ${this.root}` +
          (names.length > 0 ? ` (models: ${names.join(', ')})` : ' (it has no models yet)') +
          `. Create it first (workspace.createModel("${name}")).`,
        { kind: 'model', name, hint: { action: 'create-model', model: name } },
      );
    }
    const config = migrateModelConfig(raw, { now: this.#clock(), source: describeKey(this.storage, key) });
    if (config.name !== name) {
      throw new ValidationError(
        `${describeKey(this.storage, key)}: name is "${config.name}" but the file is in the folder of "${name}". ` +
          `Set "name" to "${name}" in the file.`,
        { field: 'name', value: config.name },
      );
    }
    return config;
  }

  /**
   * Reads, changes and writes a model's config. `updater` gets a copy and returns the new config or a
   * {@link ModelConfigPatch}; it may be async. The result is validated before anything is written
   * (`ValidationError` naming the field otherwise). Calls for the same model run one after another.
   *
   * @example
   * ```ts
   * await ws.updateModel('andie', () => ({ settings: { concurrency: 2, thresholds: { minShortSide: 1024 } } }));
   * ```
   */
  async updateModel(
    name: string,
    updater: (config: ModelConfig) => ModelConfig | ModelConfigPatch | Promise<ModelConfig | ModelConfigPatch>,
  ): Promise<ModelConfig> {
    assertModelName(name);
    return this.#lock.run([`model:${name}`], () => this.#update(name, updater));
  }

  /**
   * Changes a model's settings: `patch` is merged over the current settings field by field (thresholds and prices per
   * entry), validated with the settings schema, and written as a current-version `config.json` (an older file is
   * upgraded by this write). Throws a `ValidationError` naming the field, with nothing written, for a value the schema
   * refuses or a setting it does not have (a misspelt name is never silently dropped).
   *
   * @example
   * ```ts no-run
   * await ws.updateSettings('andie', { thresholds: { minShortSide: 512 }, prices: { swap: { units: 8 } } });
   * ```
   */
  async updateSettings(model: string, patch: ModelSettingsInput): Promise<ModelConfig> {
    return this.updateModel(model, (current) => {
      const parsed = modelSettingsSchema.safeParse(mergeModelSettings(current.settings, patch));
      // An invalid value is reported by updateModel's validation; here only names the schema does not know.
      const unknown = parsed.success ? unknownSettingPaths(patch, parsed.data) : [];
      if (unknown.length > 0) {
        throw new ValidationError(
          `Model "${model}" has no setting ${unknown.map((name) => `"${name}"`).join(', ')}; nothing was written.`,
          { field: `settings.${unknown[0]}` },
        );
      }
      return { settings: patch };
    });
  }

  /**
   * Deletes a model everywhere: every object under `models/<model>/` in the storage and in every mirror, the local
   * folder `<root>/models/<model>`, and its registry entry (removed last, so an interrupted delete can be repeated).
   * Throws `NotFoundError` when there is nothing of that model anywhere, and `ModelBusyError` (nothing deleted) while
   * another process is running the model.
   */
  async deleteModel(name: string, options: DeleteModelOptions = {}): Promise<{ deletedKeys: number }> {
    assertModelName(name);
    return this.#lock.run(['registry', `model:${name}`], async () => {
      const holder = await modelRunLockHolder(path.join(this.root, 'models', name));
      if (holder !== undefined) {
        throw new ModelBusyError(
          name,
          holder,
          `Model "${name}" is being run by another process (pid ${holder}): nothing was deleted. Stop that run ` +
            `(or revoke consent, which stops it before its next paid call), then delete the model again.`,
          { action: 'delete-model', model: name },
        );
      }
      const registry = await readModelRegistry(this.storage);
      const listed = registry.models.some((model) => model.name === name);
      const deletedKeys = await this.#deleteEverywhere(name, () => true, options.signal);
      const localDir = path.join(this.root, 'models', name);
      const hadLocal = (await readdir(localDir).catch(() => undefined)) !== undefined;
      await rm(localDir, { recursive: true, force: true });
      if (!listed && deletedKeys === 0 && !hadLocal) {
        throw new NotFoundError(`Model "${name}" does not exist in workspace ${this.root}; nothing was deleted.`, {
          kind: 'model',
          name,
        });
      }
      if (listed) {
        registry.models = registry.models.filter((model) => model.name !== name);
        await writeModelRegistry(this.storage, registry);
      }
      return { deletedKeys };
    });
  }

  /**
   * Sets the model's consent record (validated; `ValidationError` naming the field otherwise). A record it replaces
   * is appended to `consentHistory`. Use it also to record new consent after a revocation.
   */
  async setConsent(model: string, record: ConsentRecord): Promise<ModelConfig> {
    const parsed = consentRecordSchema.safeParse(record);
    if (!parsed.success) {
      throw validationErrorFromZod(
        `The consent record for model "${model}" is invalid`,
        parsed.error,
        'Nothing was written; correct the record and retry.',
      );
    }
    return this.updateModel(model, (config) => ({
      consent: parsed.data as ConsentRecord,
      consentHistory: config.consent ? [...config.consentHistory, config.consent] : config.consentHistory,
    }));
  }

  /**
   * Loads the model's config and checks that its consent covers `request` (see the standalone `assertConsent`).
   * Returns the config; throws `ConsentError` naming what is missing, or `NotFoundError`.
   */
  async assertConsent(model: string, request: ConsentRequest): Promise<ModelConfig> {
    const config = await this.getModel(model);
    assertConsent(config, request);
    return config;
  }

  /**
   * Records that the subject revoked consent (`revokedAt` = now, `revokedReason`), which blocks all further work
   * (`assertConsent` fails; a run in progress, in this process or another, stops before its next paid call).
   * Revoking an already revoked record keeps the first revocation time. With `deleteData: true`, also deletes the
   * model's data everywhere, keeping only `config.json` and `costs.jsonl` (see {@link RevokeConsentOptions.deleteData}).
   * Throws `ValidationError` when the model has no consent record or no reason is given. With `deleteData`, throws
   * `ModelBusyError` when another process is still running the model after `waitForRunMs`: the revocation is then
   * recorded but nothing is deleted. A run of a `Studio` in this process is not waited for: use
   * `studio.revokeConsent`, which stops it first.
   *
   * @example
   * ```ts no-run
   * try {
   *   await ws.revokeConsent('andie', { reason: 'subject withdrew by email', deleteData: true });
   * } catch (error) {
   *   if (!ModelBusyError.isInstance(error)) throw error;
   *   console.log(`Consent revoked; waiting for the run in process ${error.pid} to stop before deleting...`);
   *   await ws.revokeConsent('andie', { reason: 'subject withdrew by email', deleteData: true, waitForRunMs: 60_000 });
   * }
   * ```
   */
  async revokeConsent(model: string, options: RevokeConsentOptions): Promise<RevokeConsentResult> {
    assertModelName(model);
    if (typeof options?.reason !== 'string' || options.reason.trim() === '') {
      throw new ValidationError(
        'Give a reason for revoking consent, e.g. { reason: "subject withdrew consent by email on 2026-02-01" }.',
        { field: 'reason' },
      );
    }
    const revoked = await this.#lock.run([`model:${model}`], () =>
      this.#update(model, (current) => {
        if (!current.consent) {
          throw new ValidationError(
            `Model "${model}" has no consent record to revoke; no work runs without one. ` +
              `To delete its data, use workspace.deleteModel("${model}").`,
            { field: 'consent' },
          );
        }
        if (current.consent.revokedAt !== undefined) return {};
        const revokedAt = this.#clock().toISOString();
        return { consent: { ...current.consent, revokedAt, revokedReason: options.reason.trim() } };
      }),
    );
    if (!options.deleteData) return { config: revoked, deletedKeys: 0 };
    const waitMs = options.waitForRunMs ?? 0;
    if (!Number.isFinite(waitMs) || waitMs < 0) {
      throw new ValidationError(
        `waitForRunMs must be a number of milliseconds, 0 or more (got ${waitMs}); consent is revoked, nothing was deleted.`,
        { field: 'waitForRunMs', value: waitMs },
      );
    }
    const localDir = path.join(this.root, 'models', model);
    const lockOptions: ModelRunLockWaitOptions = {
      waitMs,
      busyError: (pid) =>
        new ModelBusyError(
          model,
          pid,
          `Consent for model "${model}" is revoked, but its data was NOT deleted: a run of it is in progress in ` +
            `process ${pid}${waitMs > 0 ? ` and did not stop within ${waitMs / 1000} s` : ''}. The run stops before ` +
            `its next paid call; once it has, delete the data by revoking again with deleteData ` +
            `(waitForRunMs waits for the run).`,
          { action: 'revoke-consent', model },
        ),
    };
    if (options.signal) lockOptions.signal = options.signal;
    return withModelRunLock(localDir, model, lockOptions, () =>
      this.#lock.run([`model:${model}`], async () => {
        const prefix = storageKeys.modelPrefix(model);
        const keep = (key: string) => !keptOnRevocation.has(key.slice(prefix.length));
        const deletedKeys = await this.#deleteEverywhere(model, keep, options.signal);
        for (const entry of (await readdir(localDir).catch(() => [])) as string[]) {
          if (!keptOnRevocation.has(entry)) await rm(path.join(localDir, entry), { recursive: true, force: true });
        }
        const config = await this.#update(model, () => ({ targets: {} }));
        return { config, deletedKeys };
      }),
    );
  }

  /**
   * Records where imported targets of `rating` came from and the user's rights statement; entries with a target
   * number already recorded replace the old entry. For any rating but `sfw`, every entry needs
   * `adultsConsented: true`, else a `ConsentError` lists the targets lacking it and nothing is recorded.
   * Returns all records of the rating, sorted by number.
   */
  async recordTargets(
    model: string,
    rating: string,
    entries: readonly TargetProvenanceEntry[],
  ): Promise<TargetProvenanceRecord[]> {
    const records = checkTargetProvenance(model, rating, entries, this.#clock());
    const config = await this.updateModel(model, (current) => {
      const byNumber = new Map((current.targets[rating] ?? []).map((record) => [record.n, record]));
      for (const record of records) byNumber.set(record.n, record);
      const merged = [...byNumber.values()].sort((a, b) => a.n - b.n);
      return { targets: { ...current.targets, [rating]: merged } };
    });
    return config.targets[rating] ?? [];
  }

  /** Provenance records of the model's targets of `rating`, sorted by number (empty when none). */
  async getTargets(model: string, rating: string): Promise<TargetProvenanceRecord[]> {
    assertRating(rating);
    const config = await this.getModel(model);
    return [...(config.targets[rating] ?? [])].sort((a, b) => a.n - b.n);
  }

  /**
   * Counts of a model's sources, targets and results (per rating) and the state of its consent, from one listing of
   * its files. Read-only.
   * @example
   * ```ts no-run
   * const { sources, targets, consent } = await workspace.overview('andie');
   * ```
   */
  async overview(model: string, options: { signal?: AbortSignal } = {}): Promise<ModelOverview> {
    return modelOverview(this.storage, await this.getModel(model), options);
  }

  /** The numbers of the model's stored source photos (`<model>-source-<n>.jpg`), ascending. */
  async sourceNumbers(model: string, options: { signal?: AbortSignal } = {}): Promise<number[]> {
    return storedPhotoNumbers(this.storage, model, undefined, options);
  }

  /** The numbers of the model's stored targets of `rating` (`<model>-t<ttt>.jpg`), ascending. */
  async targetNumbers(model: string, rating: string, options: { signal?: AbortSignal } = {}): Promise<number[]> {
    assertRating(rating);
    return storedPhotoNumbers(this.storage, model, rating, options);
  }

  /** The number the next imported source photo gets: one more than the highest stored (1 when none). */
  async nextSourceNumber(model: string, options: { signal?: AbortSignal } = {}): Promise<number> {
    return nextNumber(await this.sourceNumbers(model, options));
  }

  /**
   * The number the next imported target of `rating` gets: one more than the highest stored or recorded in the
   * provenance records (1 when none), so imports append and never overwrite.
   */
  async nextTargetNumber(model: string, rating: string, options: { signal?: AbortSignal } = {}): Promise<number> {
    const stored = await this.targetNumbers(model, rating, options);
    const config = await this.getModel(model).catch((error: unknown) => {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    });
    return nextNumber([...stored, ...(config?.targets[rating] ?? []).map((record) => record.n)]);
  }

  /** Closes the storage the workspace created itself (the default LocalStorage). Storages you passed stay open. */
  async close(): Promise<void> {
    await this.#owned?.close();
  }

  #validate(name: string, candidate: Record<string, unknown>): ModelConfig {
    return parseModelConfig(
      candidate,
      `Invalid config for model "${name}"`,
      'Nothing was written; correct that value and retry.',
    );
  }

  async #update(
    name: string,
    updater: (config: ModelConfig) => ModelConfig | ModelConfigPatch | Promise<ModelConfig | ModelConfigPatch>,
  ): Promise<ModelConfig> {
    const current = await this.getModel(name);
    const patch: ModelConfigPatch = await updater(structuredClone(current));
    for (const field of ['name', 'version', 'createdAt'] as const) {
      if (patch[field] !== undefined && patch[field] !== current[field]) {
        throw new ValidationError(
          `The ${field} of model "${name}" cannot change (got ${JSON.stringify(patch[field])}). ` +
            'To rename a model, create a new one and import its photos again.',
          { field, value: patch[field] },
        );
      }
    }
    const next: Record<string, unknown> = {
      ...current,
      updatedAt: this.#clock().toISOString(),
      settings: mergeModelSettings(current.settings, patch.settings as ModelSettingsInput | undefined),
      consentHistory: patch.consentHistory ?? current.consentHistory,
      targets: patch.targets ?? current.targets,
    };
    if ('consent' in patch) {
      if (patch.consent === undefined) delete next.consent;
      else next.consent = patch.consent;
    }
    const config = this.#validate(name, next);
    await writeJson(this.storage, storageKeys.config(name), config);
    return config;
  }

  /** Deletes the model's objects for which `shouldDelete(key)` holds from the storage and every mirror. */
  async #deleteEverywhere(name: string, shouldDelete: (key: string) => boolean, signal?: AbortSignal): Promise<number> {
    const prefix = storageKeys.modelPrefix(name);
    let deleted = 0;
    for (const storage of [this.storage, ...this.mirrors]) {
      // List everything first: deleting while a listing is paged could make a backend skip keys.
      const keys: string[] = [];
      for await (const key of listStorageKeys(storage, { prefix, signal })) if (shouldDelete(key)) keys.push(key);
      for (let start = 0; start < keys.length; start += 500) {
        signal?.throwIfAborted();
        const batch = keys.slice(start, start + 500);
        await storage.delete(batch, { signal });
        deleted += batch.length;
      }
    }
    return deleted;
  }
}

/**
 * The dotted paths of `patch` that are not in `settings` once validated (the schema drops keys it does not know).
 * `null` (remove) and provider options (free-form per provider) are not looked into.
 */
function unknownSettingPaths(patch: object, settings: object, prefix = ''): string[] {
  const known = settings as Record<string, unknown>;
  return Object.entries(patch).flatMap(([name, value]) => {
    if (value === undefined || value === null) return [];
    if (!(name in known)) return [`${prefix}${name}`];
    const inner = known[name];
    if (name === 'providerOptions' || typeof value !== 'object' || typeof inner !== 'object' || inner === null)
      return [];
    return unknownSettingPaths(value, inner, `${prefix}${name}.`);
  });
}

/** One more than the highest number (1 when none): imports append and never overwrite. */
function nextNumber(numbers: readonly number[]): number {
  return numbers.reduce((highest, n) => Math.max(highest, n), 0) + 1;
}
