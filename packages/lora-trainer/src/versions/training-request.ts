import { type Storage, type TrainingArtifact, type TrainSummary, ValidationError } from '@model-studio/core';
import { buildTrainingConfig } from '../build-training-config.js';
import type { ModelFamily } from '../model-family.js';
import { engineOfConfig, type TrainingEngine } from '../training-engine.js';
import { readLoraVersion } from './list-lora-versions.js';
import { recordLoraVersion } from './record-lora-version.js';
import { readBytes, readJsonIfExists, writeJson } from './storage-io.js';

/**
 * What a training was started with, saved as `models/<model>/training/<version>/train-request.json` before it trains,
 * so a later attempt (a retried job, `studio train attach`) trains the same thing.
 */
export interface SavedTrainingRequest {
  /** The dataset version it trains on. */
  dataset: string;
  /** The trainer config (SimpleTuner or ai-toolkit, see `buildTrainingConfig`). */
  config: Record<string, unknown>;
  /** The base model family of the dataset. */
  family: ModelFamily;
  /** Which program trains; absent in requests saved before engines existed (SimpleTuner). */
  engine?: TrainingEngine;
}

/** Options of {@link prepareTrainingRequest}. */
export interface PrepareTrainingRequestOptions {
  storage: Storage;
  /** The model's name (a slug). */
  model: string;
  /** The LoRA version the training writes. */
  version: string;
  /** The dataset version to train on (built first). */
  dataset: string;
  /** Which program trains. @default the saved request's engine, else 'simpletuner' */
  engine?: TrainingEngine | undefined;
  /** Training steps, over the preset (a new request only). */
  steps?: number | undefined;
  /** LoRA rank, over the preset (a new request only). */
  rank?: number | undefined;
  /** The model's trigger word (its settings' `triggerWord`). */
  trigger: string;
  /** The model's class word (its settings' `classWord`). @default 'person' */
  classWord?: string | undefined;
  /** How to build a missing dataset, in the caller's words; ends the error's message. @default 'build dataset <v> first' */
  buildHint?: string;
}

/** Where the request of LoRA version `version` is saved. */
export const trainingRequestKey = (model: string, version: string): string =>
  `models/${model}/training/${version}/train-request.json`;

/**
 * The request of a training: the one an earlier attempt saved (so a retry trains the same config), else a new one for
 * the dataset's model family, the model's trigger and class words, the engine, steps and rank asked for, saved before
 * it is returned. Used by the CLI's `train start` and the server's `train` job.
 *
 * @example
 * ```ts no-run
 * const request = await prepareTrainingRequest({ storage, model: 'andie', version: 'v1', dataset: 'v1', engine: 'ai-toolkit', rank: 8, trigger: 'andie' });
 * ```
 * @throws ValidationError when a saved request used another engine than `engine` (finish that training, or start a
 * new version), or when the dataset version is not built.
 */
export async function prepareTrainingRequest(options: PrepareTrainingRequestOptions): Promise<SavedTrainingRequest> {
  const { storage, model, version, dataset } = options;
  const saved = await readJsonIfExists<SavedTrainingRequest>(storage, trainingRequestKey(model, version));
  const engine = options.engine ?? saved?.engine ?? 'simpletuner';
  if (saved) {
    const savedEngine = saved.engine ?? 'simpletuner';
    if (savedEngine !== engine) {
      throw new ValidationError(
        `Training ${version} of "${model}" was started with ${savedEngine}: finish it with ${savedEngine}, or start a new version to train with ${engine}.`,
        { field: 'engine', value: engine },
      );
    }
    return saved;
  }
  const manifest = await readJsonIfExists<{ family?: ModelFamily }>(
    storage,
    `models/${model}/datasets/${dataset}/manifest.json`,
  );
  if (!manifest) {
    throw new ValidationError(
      `Dataset ${dataset} of "${model}" is not built: ${options.buildHint ?? `build dataset ${dataset} first`}.`,
      { field: 'dataset', value: dataset },
    );
  }
  const family = manifest.family ?? 'flux';
  const request: SavedTrainingRequest = {
    dataset,
    family,
    engine,
    config: buildTrainingConfig({
      engine,
      family,
      trigger: options.trigger,
      ...(options.classWord !== undefined && { classWord: options.classWord }),
      ...(options.steps !== undefined && { steps: options.steps }),
      ...(options.rank !== undefined && { rank: options.rank }),
    }),
  };
  await writeJson(storage, trainingRequestKey(model, version), request);
  return request;
}

/** Options of {@link recordTrainedVersion}. */
export interface RecordTrainedVersionOptions {
  storage: Storage;
  model: string;
  /** The LoRA version the training wrote. */
  version: string;
  /** What it was trained with (see {@link prepareTrainingRequest}). */
  request: SavedTrainingRequest;
  /** What `studio.train` returned. */
  summary: TrainSummary;
}

/** The LoRA version a training recorded. */
export interface TrainedVersion {
  /** Storage key of the LoRA file. */
  key: string;
  /** Its size in bytes. */
  bytes: number;
  /** True when a sandbox trained it (the file is not a real LoRA). */
  sandbox: boolean;
  engine: TrainingEngine;
}

async function readArtifacts(storage: Storage, keys: readonly string[]): Promise<TrainingArtifact[]> {
  const artifacts: TrainingArtifact[] = [];
  for (const key of keys) {
    const name = key.slice(key.lastIndexOf('/training/') + '/training/'.length).replace(/^[^/]+\//, '');
    artifacts.push({ name, bytes: await readBytes(storage, key) });
  }
  return artifacts;
}

/**
 * Records a finished training as LoRA version `version` with `recordLoraVersion` (its artifacts, else the files of
 * its output keys), unless an earlier attempt recorded it already.
 *
 * @example
 * ```ts no-run
 * const lora = await recordTrainedVersion({ storage, model: 'andie', version: 'v1', request, summary });
 * ```
 * @throws ValidationError when the outputs hold no single LoRA file.
 */
export async function recordTrainedVersion(options: RecordTrainedVersionOptions): Promise<TrainedVersion> {
  const { storage, model, version, request, summary } = options;
  const existing = await readLoraVersion(storage, model, version).catch(() => undefined);
  const record =
    existing ??
    (await recordLoraVersion({
      storage,
      model,
      version,
      family: request.family,
      artifacts: summary.artifacts ?? (await readArtifacts(storage, summary.outputKeys)),
      config: request.config,
      datasetManifest: await readJsonIfExists(storage, `models/${model}/datasets/${request.dataset}/manifest.json`),
      trainer: { provider: summary.job.provider, jobId: summary.job.id },
    }));
  return {
    key: `models/${model}/loras/${version}/${record.artifact.file}`,
    bytes: record.artifact.size,
    sandbox: record.sandbox === true,
    engine: record.engine ?? engineOfConfig(request.config),
  };
}
