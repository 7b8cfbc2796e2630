import { type Storage, ValidationError, type Workspace } from '@model-studio/core';
import type { TrainJobParams } from '../job-params.js';

/** What a training was started with, kept so a retried job trains the same thing (the CLI's `train-request.json`). */
export interface TrainingRequest {
  dataset: string;
  config: Record<string, unknown>;
  family: 'flux' | 'sdxl' | 'sd15';
}

/** Where the request of a LoRA version is kept (the same file `studio train start` writes). */
export const trainingRequestKey = (model: string, version: string): string =>
  `models/${model}/training/${version}/train-request.json`;

/** Reads a JSON file of the storage, or `undefined` when it does not exist. */
export async function readStoredJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  if (!(await storage.head(key))) return undefined;
  return JSON.parse(await new Response(await storage.get(key)).text()) as T;
}

/**
 * The request of a training: the one stored by an earlier attempt (so a retried job trains the same config), else a
 * new SimpleTuner config for the dataset's model family, the model's trigger and class words, stored before training.
 * Throws a `ValidationError` when the dataset version is not built.
 */
export async function trainingRequest(
  workspace: Workspace,
  model: string,
  params: TrainJobParams & { version: string },
): Promise<TrainingRequest> {
  const { storage } = workspace;
  const stored = await readStoredJson<TrainingRequest>(storage, trainingRequestKey(model, params.version));
  if (stored) return stored;
  const manifest = await readStoredJson<{ family?: TrainingRequest['family'] }>(
    storage,
    `models/${model}/datasets/${params.dataset}/manifest.json`,
  );
  if (!manifest) {
    throw new ValidationError(
      `Dataset ${params.dataset} of "${model}" is not built: build it (POST /v1/models/${model}/datasets) first.`,
      { field: 'dataset', value: params.dataset },
    );
  }
  const lora = await import('@model-studio/lora-trainer');
  const settings = (await workspace.getModel(model)).settings;
  const family = manifest.family ?? 'flux';
  const request: TrainingRequest = {
    dataset: params.dataset,
    family,
    config: lora.buildSimpleTunerConfig({
      family,
      trigger: settings.triggerWord,
      classWord: settings.classWord,
      ...(params.steps !== undefined && { overrides: { max_train_steps: params.steps } }),
    }) as Record<string, unknown>,
  };
  await storage.put(
    trainingRequestKey(model, params.version),
    new TextEncoder().encode(JSON.stringify(request, null, 2)),
  );
  return request;
}
