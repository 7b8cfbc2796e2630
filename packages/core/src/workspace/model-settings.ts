import { z } from 'zod';
import type { ProviderOptions } from '../interfaces/shared.js';

/** Limits every imported photo and every result is checked against. */
export interface ModelThresholds {
  /**
   * Largest accepted image file, in bytes. MaxStudio refuses images of 5 MB or more.
   * @default 5_000_000
   */
  maxBytes: number;
  /**
   * Largest image, in pixels (width x height), sent to the provider: imports scale larger photos down to fit (after
   * EXIF orientation, never enlarging). MaxStudio documents no pixel limit, but refused an 8000x8000 (64 MP) input
   * ("Input image exceeds pixel limit") while 1200x1799 inputs, enhanced to 2400x3598, work. The default, 4096 x 4096
   * (16.8 MP), stays far below the refused size and well above what training needs. Configs written before this
   * setting existed get the default when read.
   * @default 16_777_216
   */
  maxPixels: number;
  /**
   * Smallest accepted shorter side, in pixels.
   * @default 800
   */
  minShortSide: number;
  /**
   * Largest identity distance (0-1) between a result's face and the source's face for the swap to count as the
   * same person: the orchestrator accepts a swap when `faceChecker.distance(result, source) <= identityThreshold`.
   * The default is the threshold `@model-studio/quality` chose on the labelled fixtures for its face-api
   * 128-d descriptors (euclidean distance); set your own when you use another face checker.
   * @default 0.61
   */
  identityThreshold: number;
  /**
   * Fewest faces a target photo must show to be usable for a swap.
   * @default 1
   */
  minTargetFaces: number;
  /**
   * Lowest training score (0-1, from the studio's `ImageScorer`) an enhanced result needs to go into a dataset (the
   * brief's "CLIP beauty score > 0.6"). Configs written before this setting existed get the default when read.
   * @default 0.6
   */
  minTrainingScore: number;
}

/** How a model's training captions are written (see `@model-studio/captioning`). */
export interface ModelCaptionSettings {
  /**
   * Natural language (FLUX, T5 encoder, up to 512 tokens) or short comma-separated tags (SD1.5/SDXL, CLIP, 75 tokens).
   * @default 'tags'
   */
  style: 'natural' | 'tags';
  /** Template with `{trigger}`, `{class}`, `{description}`, `{rating}`, `{shot}`; the captioner's default when absent. */
  template?: string | undefined;
  /** Text put before every caption. */
  prefix?: string | undefined;
  /** Text put after every caption. */
  suffix?: string | undefined;
  /** Instruction sent to a VLM captioner; the captioner's default when absent. */
  prompt?: string | undefined;
  /**
   * Whether `run` captions each enhanced result as its last stage (`studio.caption` captions on demand either way).
   * @default false
   */
  inRun: boolean;
  /**
   * What a paid captioner's tokens cost, per million, for the ledger (the reservation before each call is the
   * `caption` price of the price table). Without it, a paid call is recorded at its reservation.
   */
  tokenPrices?: { input: number; output: number; unit: string } | undefined;
}

/** A price in a unit of account. */
export interface ModelPrice {
  /** How many units one call costs. */
  units: number;
  /**
   * The unit of account.
   * @default 'credits'
   */
  unit: string;
}

/**
 * What each paid operation costs, used for estimates, budgets and the cost ledger (the MaxStudio API does not report
 * charges). Extra operations (e.g. `detect`) may be added by name.
 *
 * The defaults, 10 credits per swap and 2 per enhance, are the product brief's figures: no MaxStudio price page
 * confirms them. Set your own from your account's pricing.
 */
export interface ModelPriceTable {
  /** @default { units: 10, unit: 'credits' } */
  swap: ModelPrice;
  /** @default { units: 2, unit: 'credits' } */
  enhance: ModelPrice;
  [operation: string]: ModelPrice;
}

/** A spending limit for a model's runs; the orchestrator stops before reserved plus actual spend would exceed it. */
export interface ModelBudget {
  limit: number;
  /** @default 'credits' */
  unit: string;
}

/**
 * Thresholds of the rule that picks a LoRA training's best checkpoint (`@model-studio/lora-trainer`'s
 * `chooseBestCheckpoint`, `studio loras promote <model> <version> --best`): the checkpoint with the highest identity
 * among those that are neither memorising their dataset nor collapsed; ties go to the earlier step.
 */
export interface BestCheckpointThresholds {
  /**
   * Lowest identity score (0-1: the mean over a checkpoint's validation samples of `1 - distance` between the
   * sample's face and the nearest source face, 0 for a sample without a face) a checkpoint needs to qualify.
   * @default 0.4
   */
  minIdentity: number;
  /**
   * Highest memorisation score (0-1: `1 - hamming / bits` between the perceptual hashes of a checkpoint's most
   * copied sample and its nearest dataset image) before the checkpoint counts as memorising its dataset. 0.9 is
   * about the dataset builder's near-duplicate rule (6 of 64 bits).
   * @default 0.9
   */
  maxMemorisation: number;
  /**
   * Lowest mean luminance entropy (bits, 0-8) of a checkpoint's samples; below it the samples have collapsed
   * (near-uniform images).
   * @default 2.5
   */
  minEntropy: number;
  /**
   * Lowest mean RMS contrast (standard deviation of the luminance over 255, 0-0.5) of a checkpoint's samples;
   * below it the samples have collapsed.
   * @default 0.04
   */
  minContrast: number;
}

/** Settings of a model's LoRA trainings. */
export interface ModelTrainingSettings {
  /** The `--best` checkpoint rule's thresholds; {@link defaultBestCheckpointThresholds} where absent. */
  bestCheckpoint: BestCheckpointThresholds;
}

/** The defaults of {@link BestCheckpointThresholds}. */
export const defaultBestCheckpointThresholds: Readonly<BestCheckpointThresholds> = Object.freeze({
  minIdentity: 0.4,
  maxMemorisation: 0.9,
  minEntropy: 2.5,
  minContrast: 0.04,
});

/**
 * A model's best-checkpoint thresholds: its settings' `training.bestCheckpoint` over
 * {@link defaultBestCheckpointThresholds} (configs written before the setting existed get the defaults).
 */
export function bestCheckpointThresholds(settings: Pick<ModelSettings, 'training'>): BestCheckpointThresholds {
  return { ...defaultBestCheckpointThresholds, ...definedOnly(settings.training?.bestCheckpoint ?? {}) };
}

/** Per-model settings stored in `models/<model>/config.json`. */
export interface ModelSettings {
  /**
   * The token that names the subject in captions and prompts.
   * @default the model name
   */
  triggerWord: string;
  /**
   * The class the subject belongs to, used in captions and kohya folder names (`10_<trigger> <class>`).
   * @default 'person'
   */
  classWord: string;
  thresholds: ModelThresholds;
  prices: ModelPriceTable;
  /**
   * Units of work in flight at once.
   * @default 4
   */
  concurrency: number;
  /** How training captions are written. Configs written before this setting existed get the defaults when read. */
  captions: ModelCaptionSettings;
  /** Spending limit for runs. No limit when absent. */
  budget?: ModelBudget;
  /**
   * Non-secret options passed to adapters, keyed by provider id (`{ maxstudio: { ... } }`). Never put API keys here:
   * keys that look like secrets (`apiKey`, `token`, `password`, ...) are refused.
   */
  providerOptions?: ProviderOptions;
  /**
   * LoRA training settings. Absent in configs written before it existed (read with
   * {@link bestCheckpointThresholds}, which fills in the defaults).
   */
  training?: ModelTrainingSettings;
}

/**
 * What callers may pass when creating or updating a model: any subset, nested objects merged field by field.
 * Every `Partial<ModelSettings>` fits.
 */
export interface ModelSettingsInput {
  triggerWord?: string;
  classWord?: string;
  thresholds?: Partial<ModelThresholds>;
  prices?: Partial<Record<string, Partial<ModelPrice>>>;
  concurrency?: number;
  captions?: Partial<ModelCaptionSettings>;
  /** `null` removes the budget. */
  budget?: (Omit<ModelBudget, 'unit'> & { unit?: string }) | null;
  /** Replaces the provider options as a whole; `null` removes them. */
  providerOptions?: ProviderOptions | null;
  /** Training settings, merged field by field (`training.bestCheckpoint.minIdentity` alone, for example). */
  training?: { bestCheckpoint?: Partial<BestCheckpointThresholds> };
}

/** The default pixel limit: 4096 x 4096 (see {@link ModelThresholds.maxPixels}). */
const defaultMaxPixels = 4096 * 4096;

/**
 * The default settings (the trigger word defaults to the model name, so it is not here).
 * Prices are the product brief's figures, unconfirmed by any MaxStudio price page.
 */
export const defaultModelSettings: Readonly<Omit<ModelSettings, 'triggerWord'>> = Object.freeze({
  classWord: 'person',
  thresholds: Object.freeze({
    maxBytes: 5_000_000,
    maxPixels: defaultMaxPixels,
    minShortSide: 800,
    identityThreshold: 0.61,
    minTargetFaces: 1,
    minTrainingScore: 0.6,
  }),
  prices: Object.freeze({
    swap: Object.freeze({ units: 10, unit: 'credits' }),
    enhance: Object.freeze({ units: 2, unit: 'credits' }),
  }),
  concurrency: 4,
  captions: Object.freeze({ style: 'tags', inRun: false }),
});

const word = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((value) => !/[\u0000-\u001f\u007f,]/.test(value), { message: 'no commas or control characters' });
const priceSchema = z.object({ units: z.number().finite().min(0), unit: z.string().trim().min(1).max(32) });
const secretLike = /key|secret|token|password|passwd|credential|authorization/i;

/** Zod schema of {@link ModelSettings}, as stored in config.json version 1. */
export const modelSettingsSchema = z.object({
  triggerWord: word,
  classWord: word,
  thresholds: z.object({
    maxBytes: z.number().int().min(1),
    // Added after version 1 shipped: an additive field with a default, so older version-1 files still load (and older
    // releases, which ignore unknown fields, still read newer files). No version bump is needed.
    maxPixels: z.number().int().min(1).default(defaultMaxPixels),
    minShortSide: z.number().int().min(1),
    identityThreshold: z.number().min(0).max(1),
    minTargetFaces: z.number().int().min(1),
    minTrainingScore: z.number().min(0).max(1).default(0.6),
  }),
  prices: z.object({ swap: priceSchema, enhance: priceSchema }).catchall(priceSchema),
  concurrency: z.number().int().min(1).max(64),
  // Added after version 1 shipped, like maxPixels: additive with defaults, so no version bump is needed.
  captions: z
    .object({
      style: z.enum(['natural', 'tags']),
      template: z.string().max(500).optional(),
      prefix: z.string().max(200).optional(),
      suffix: z.string().max(200).optional(),
      prompt: z.string().max(2000).optional(),
      inRun: z.boolean(),
      tokenPrices: z
        .object({ input: z.number().finite().min(0), output: z.number().finite().min(0), unit: z.string().min(1) })
        .optional(),
    })
    .default({ style: 'tags', inRun: false }),
  budget: z.object({ limit: z.number().finite().positive(), unit: z.string().trim().min(1).max(32) }).optional(),
  providerOptions: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .superRefine((options, context) => {
      for (const [provider, values] of Object.entries(options)) {
        for (const name of Object.keys(values)) {
          if (secretLike.test(name)) {
            context.addIssue({
              code: 'custom',
              path: [provider, name],
              message: 'looks like a secret; pass secrets through the environment, never store them in config.json',
            });
          }
        }
      }
    })
    .optional(),
  // Added after version 1 shipped: optional, so older files still load; readers fill in the defaults.
  training: z
    .object({
      bestCheckpoint: z.object({
        minIdentity: z.number().min(0).max(1),
        maxMemorisation: z.number().min(0).max(1),
        minEntropy: z.number().min(0).max(8),
        minContrast: z.number().min(0).max(0.5),
      }),
    })
    .optional(),
});

/** A copy of `value` without the properties whose value is `undefined`, so they do not override defaults. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/**
 * Merges `input` over `base` field by field (thresholds and prices per entry). The result is not validated yet:
 * the caller validates it with {@link modelSettingsSchema}.
 */
export function mergeModelSettings(base: ModelSettings, input: ModelSettingsInput = {}): ModelSettings {
  const prices: Record<string, ModelPrice> = { ...base.prices };
  for (const [operation, price] of Object.entries(input.prices ?? {})) {
    if (price) prices[operation] = { unit: 'credits', ...prices[operation], ...definedOnly(price) } as ModelPrice;
  }
  const merged: ModelSettings = {
    triggerWord: input.triggerWord ?? base.triggerWord,
    classWord: input.classWord ?? base.classWord,
    thresholds: { ...base.thresholds, ...definedOnly(input.thresholds ?? {}) },
    prices: prices as ModelPriceTable,
    concurrency: input.concurrency ?? base.concurrency,
    captions: { ...(base.captions ?? { style: 'tags', inRun: false }), ...definedOnly(input.captions ?? {}) },
  };
  const budget = input.budget === undefined ? base.budget : input.budget;
  if (budget) merged.budget = { unit: 'credits', ...definedOnly(budget) } as ModelBudget;
  const providerOptions = input.providerOptions === undefined ? base.providerOptions : input.providerOptions;
  if (providerOptions) merged.providerOptions = providerOptions;
  if (base.training || input.training?.bestCheckpoint) {
    merged.training = {
      bestCheckpoint: {
        ...bestCheckpointThresholds(base),
        ...definedOnly(input.training?.bestCheckpoint ?? {}),
      },
    };
  }
  return merged;
}

/** The settings a new model `model` gets: {@link defaultModelSettings} with the trigger word set to the model name. */
export function initialModelSettings(model: string): ModelSettings {
  return structuredClone({ ...defaultModelSettings, triggerWord: model }) as ModelSettings;
}
