import { type CallOptions, NotFoundError, type Storage, storageKeys, ValidationError } from '@model-studio/core';
import type { BuildTrainingConfigOptions } from '../build-training-config.js';
import { buildTrainingConfig } from '../build-training-config.js';
import type { DatasetManifest } from '../dataset/dataset-manifest.js';
import type { ModelFamily } from '../model-family.js';
import { preflightImagesFromManifest } from '../preflight/preflight-images-from-manifest.js';
import type { PreflightInput } from '../preflight/run-preflight.js';
import type { TrainingEngine } from '../training-engine.js';

/** Options of {@link loadTrainingSetup}. */
export interface LoadTrainingSetupOptions extends CallOptions, Pick<BuildTrainingConfigOptions, 'steps' | 'rank'> {
  /** The workspace storage the dataset was built in. */
  storage: Storage;
  /** The model's name (a slug). */
  model: string;
  /** The dataset version. @default 'v1' */
  dataset?: string;
  /** Which program trains. @default 'simpletuner' */
  engine?: TrainingEngine;
  /** The model's trigger word (its settings' `triggerWord`). */
  trigger: string;
  /** The model's class word (its settings' `classWord`). @default 'person' */
  classWord?: string | undefined;
  /**
   * How to build a missing dataset, in the words of the caller's front-end (a command or an HTTP call); ends the
   * `NotFoundError`'s message. @default 'build it first (the dataset builder writes its manifest.json)'
   */
  buildHint?: string;
}

/** What {@link loadTrainingSetup} read and built: what a training and its pre-flight start from. */
export interface TrainingSetup {
  /** The dataset version's `manifest.json`. */
  manifest: DatasetManifest;
  engine: TrainingEngine;
  /** The base model family the dataset was built for. */
  family: ModelFamily;
  /** The validated training config (see `buildTrainingConfig`). */
  config: Record<string, unknown>;
  /** The input of `runPreflight` for this dataset and config (add `hub`, `gpu`, `budget`, `signal` as wanted). */
  preflight: PreflightInput;
}

async function readJson<T>(storage: Storage, key: string, options: CallOptions): Promise<T | undefined> {
  if (!(await storage.head(key, options))) return undefined;
  const text = await new Response(await storage.get(key, options)).text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ValidationError(`${key} is not valid JSON: build the dataset version again.`, { field: key });
  }
}

/**
 * The setup before a training or its pre-flight, as every front-end does it: reads the built dataset's manifest,
 * builds the training config for the engine (the dataset's family, the model's trigger and class words, the steps and
 * rank asked for) and, for SimpleTuner, reads the dataset's `simpletuner/multidatabackend.json` (ai-toolkit reads the
 * images and captions folder itself).
 *
 * @example
 * ```ts no-run
 * const setup = await loadTrainingSetup({ storage, model: 'andie', dataset: 'v1', trigger: 'andie', classWord: 'woman' });
 * const report = await runPreflight({ ...setup.preflight, signal });
 * ```
 * @throws NotFoundError when the dataset version is not built (its message ends with `buildHint`).
 * @throws ValidationError for a bad model or version name, an unreadable manifest, or an invalid config.
 */
export async function loadTrainingSetup(options: LoadTrainingSetupOptions): Promise<TrainingSetup> {
  const { storage, model, dataset = 'v1', engine = 'simpletuner', steps, rank } = options;
  const call: CallOptions = options.signal ? { signal: options.signal } : {};
  const prefix = storageKeys.datasetPrefix(model, dataset);
  const manifest = await readJson<DatasetManifest>(storage, `${prefix}manifest.json`, call);
  if (!manifest) {
    const hint = options.buildHint ?? 'build it first (the dataset builder writes its manifest.json)';
    throw new NotFoundError(`Dataset ${dataset} of "${model}" is not built: ${hint}.`, {
      kind: 'dataset',
      name: dataset,
    });
  }
  const config = buildTrainingConfig({
    engine,
    family: manifest.family,
    trigger: options.trigger,
    ...(options.classWord !== undefined && { classWord: options.classWord }),
    ...(steps !== undefined && { steps }),
    ...(rank !== undefined && { rank }),
  });
  const backends =
    engine === 'simpletuner'
      ? ((await readJson<object[]>(storage, `${prefix}simpletuner/multidatabackend.json`, call)) ?? [])
      : undefined;
  const preflight: PreflightInput = {
    family: manifest.family,
    config,
    ...(backends && { backends }),
    images: preflightImagesFromManifest(manifest),
  };
  return { manifest, engine, family: manifest.family, config, preflight };
}
