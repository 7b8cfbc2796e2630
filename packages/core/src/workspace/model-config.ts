import { z } from 'zod';
import { type ConsentRecord, consentRecordSchema } from '../consent/consent-record.js';
import { type TargetProvenanceRecord, targetProvenanceRecordSchema } from '../consent/target-provenance.js';
import { ValidationError } from '../errors/index.js';
import { isModelName, isRating } from '../naming/index.js';
import { initialModelSettings, type ModelSettings, mergeModelSettings, modelSettingsSchema } from './model-settings.js';
import { targetsAsRead } from './targets-as-read.js';
import { validationErrorFromZod } from './zod-issues.js';

/** The config.json version this release writes. Older versions are upgraded by {@link migrateModelConfig}. */
export const MODEL_CONFIG_VERSION = 1;

/** A model's `config.json` (version 1). */
export interface ModelConfig {
  /** Schema version, always {@link MODEL_CONFIG_VERSION} once loaded. */
  version: 1;
  /** The model name, the same as its folder name. */
  name: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, set on every write. */
  updatedAt: string;
  settings: ModelSettings;
  /** The subject's consent; absent until set with `Workspace.setConsent`. Nothing is processed without it. */
  consent?: ConsentRecord;
  /** Records replaced by later `setConsent` calls, oldest first: an audit trail. */
  consentHistory: ConsentRecord[];
  /** Provenance of imported targets, per rating, sorted by target number. */
  targets: Record<string, TargetProvenanceRecord[]>;
}

/**
 * A model's config as a run holds it: everything but the target provenance records. A plan checks those once; a run
 * never reads them, and with 100,000 targets they are most of the config (held for the whole run, they would raise
 * how far the JavaScript heap grows between collections). See {@link runConfigOf}.
 */
export type RunConfig = Omit<ModelConfig, 'targets'>;

/** @internal The config without its target records (see {@link RunConfig}); the other fields are shared, not copied. */
export function runConfigOf(config: ModelConfig): RunConfig {
  const { targets: _targets, ...rest } = config;
  return rest;
}

/** Zod schema of {@link ModelConfig} (version 1). */
export const modelConfigSchema = z.object({
  version: z.literal(1),
  name: z.string().refine(isModelName, { message: 'not a valid model name' }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  settings: modelSettingsSchema,
  consent: consentRecordSchema.optional(),
  consentHistory: z.array(consentRecordSchema),
  targets: z.record(
    z.string().refine(isRating, { message: 'not a valid rating' }),
    z.array(targetProvenanceRecordSchema),
  ),
});

/**
 * The unversioned config of the prototype (version 0), kept so old workspaces still open. Example:
 * `{ "name": "andie", "created": "2025-06-01T00:00:00Z", "trigger": "ohwx", "class": "woman", "maxFileSizeMb": 5,
 *    "minShortSide": 1024, "creditsPerSwap": 10, "creditsPerEnhance": 2,
 *    "consent": { "subject": "Andie", "adult": true, "ratings": ["sfw"], "date": "2025-06-01T00:00:00Z", "evidence": "x.pdf" } }`
 */
export interface ModelConfigV0 {
  name: string;
  created?: string;
  trigger?: string;
  class?: string;
  maxFileSizeMb?: number;
  minShortSide?: number;
  creditsPerSwap?: number;
  creditsPerEnhance?: number;
  consent?: { subject: string; adult: boolean; ratings: string[]; date: string; evidence: string };
}

const v0Schema = z.object({
  name: z.string(),
  created: z.string().optional(),
  trigger: z.string().optional(),
  class: z.string().optional(),
  maxFileSizeMb: z.number().optional(),
  minShortSide: z.number().optional(),
  creditsPerSwap: z.number().optional(),
  creditsPerEnhance: z.number().optional(),
  consent: z
    .object({
      subject: z.string(),
      adult: z.boolean(),
      ratings: z.array(z.string()),
      date: z.string(),
      evidence: z.string(),
    })
    .optional(),
});

/** Options for {@link migrateModelConfig}. */
export interface MigrateModelConfigOptions {
  /** Used for timestamps the old version lacks. @default new Date() */
  now?: Date;
  /** Names the file in error messages. @default 'config.json' */
  source?: string;
}

type Migration = (
  raw: Record<string, unknown>,
  options: Required<MigrateModelConfigOptions>,
) => Record<string, unknown>;

/**
 * v0 → v1: flat prototype fields move into `settings` (MB become bytes, credits become the price table).
 * The prototype's consent had no allowed uses and no attester; the migrated record gets `allowedUses: []` and
 * `attestedBy: 'prototype config (unverified)'`, so it covers nothing until someone re-confirms the subject's
 * consent with `setConsent`. A migration never invents consent.
 */
function v0ToV1(raw: Record<string, unknown>, options: Required<MigrateModelConfigOptions>): Record<string, unknown> {
  const parsed = v0Schema.safeParse(raw);
  if (!parsed.success) {
    throw validationErrorFromZod(
      `${options.source} has no "version" field and is not a valid prototype (version 0) config`,
      parsed.error,
      'Fix the file by hand or restore it from a backup.',
    );
  }
  const old = parsed.data;
  const name = old.name;
  const created = old.created ?? options.now.toISOString();
  const settings = mergeModelSettings(isModelName(name) ? initialModelSettings(name) : initialModelSettings('model'), {
    triggerWord: old.trigger ?? name,
    classWord: old.class,
    thresholds: {
      maxBytes: old.maxFileSizeMb === undefined ? undefined : Math.round(old.maxFileSizeMb * 1_000_000),
      minShortSide: old.minShortSide,
    },
    prices: { swap: { units: old.creditsPerSwap }, enhance: { units: old.creditsPerEnhance } },
  });
  const next: Record<string, unknown> = {
    version: 1,
    name,
    createdAt: created,
    updatedAt: created,
    settings: JSON.parse(JSON.stringify(settings)),
    consentHistory: [],
    targets: {},
  };
  if (old.consent) {
    next.consent = {
      subject: old.consent.subject,
      adultAttested: old.consent.adult,
      attestedBy: 'prototype config (unverified)',
      allowedRatings: old.consent.ratings,
      allowedUses: [],
      obtainedAt: old.consent.date,
      evidenceRef: old.consent.evidence,
    };
  }
  return next;
}

/** Step-by-step upgrades: `migrations[n]` turns version n into version n + 1. */
const migrations: Record<number, Migration> = { 0: v0ToV1 };

/**
 * Validates a parsed config.json and upgrades it, one version at a time, to {@link MODEL_CONFIG_VERSION}.
 * A file without `version` is the prototype's version 0 (see {@link ModelConfigV0}). Throws a `ValidationError`
 * that names the file and the bad field, or says the file comes from a newer release.
 *
 * @example
 * ```ts
 * const config = migrateModelConfig(JSON.parse(text), { source: 'models/andie/config.json' });
 * ```
 */
export function migrateModelConfig(raw: unknown, options: MigrateModelConfigOptions = {}): ModelConfig {
  const settings: Required<MigrateModelConfigOptions> = {
    now: options.now ?? new Date(),
    source: options.source ?? 'config.json',
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(
      `${settings.source} is not a JSON object. Restore it from a backup, or delete the model and create it again.`,
      { field: '(top level)' },
    );
  }
  let current = raw as Record<string, unknown>;
  let version = current.version === undefined ? 0 : current.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new ValidationError(`${settings.source}: version must be a whole number, got ${JSON.stringify(version)}.`, {
      field: 'version',
      value: version,
    });
  }
  if (version > MODEL_CONFIG_VERSION) {
    throw new ValidationError(
      `${settings.source} has version ${version}, written by a newer @model-studio/core (this one reads up to ` +
        `${MODEL_CONFIG_VERSION}). Upgrade @model-studio/core to open it.`,
      { field: 'version', value: version },
    );
  }
  while (version < MODEL_CONFIG_VERSION) {
    const step = migrations[version];
    if (!step)
      throw new ValidationError(`${settings.source}: no migration from version ${version}.`, { field: 'version' });
    current = step(current, settings);
    version += 1;
  }
  return sharedTargetStrings(
    parseModelConfig(
      current,
      `${settings.source} is not a valid model config`,
      'Fix that field in the file (or restore it from a backup) and retry.',
    ),
  );
}

/**
 * @internal Checks `candidate` with {@link modelConfigSchema}, as read from a file or before it is written. Target
 * records already as the schema returns them are checked in place (see targetsAsRead): zod would copy each of
 * 100,000 records into short-lived objects. Throws a `ValidationError` of `message`, the field and `hint`.
 */
export function parseModelConfig(candidate: Record<string, unknown>, message: string, hint: string): ModelConfig {
  const targets = targetsAsRead(candidate.targets);
  const parsed = modelConfigSchema.safeParse(targets ? { ...candidate, targets: {} } : candidate);
  if (!parsed.success) throw validationErrorFromZod(message, parsed.error, hint);
  const config = parsed.data as ModelConfig;
  if (targets) config.targets = targets;
  return config;
}

/**
 * `config` with each repeated string of its targets' provenance kept once: a folder of targets imported together
 * shares its origin, rights statement and time, which parsing gives every record a copy of (about 80 bytes per target
 * that a run holds for its whole length, 8 MB at 100,000 targets).
 */
function sharedTargetStrings(config: ModelConfig): ModelConfig {
  const seen = new Map<string, string>();
  const shared = (text: string) => {
    const earlier = seen.get(text);
    if (earlier !== undefined) return earlier;
    seen.set(text, text);
    return text;
  };
  for (const records of Object.values(config.targets)) {
    for (const record of records) {
      record.origin = shared(record.origin);
      record.rightsStatement = shared(record.rightsStatement);
      record.recordedAt = shared(record.recordedAt);
    }
  }
  return config;
}
