import type { Workspace } from '@model-studio/core';
import type { SavedTrainingRequest } from '@model-studio/lora-trainer';
import type { TrainJobParams } from '../job-params.js';

/** What a training was started with, kept so a retried job trains the same thing (the CLI's `train-request.json`). */
export type TrainingRequest = SavedTrainingRequest;

/**
 * The request of a training (`prepareTrainingRequest` from `@model-studio/lora-trainer`): the one stored by an earlier
 * attempt (so a retried job trains the same config), else a new config of the engine asked for (SimpleTuner by
 * default) with its steps and rank, for the dataset's model family and the model's trigger and class words, stored
 * before training. Throws a `ValidationError` when the dataset version is not built or an earlier attempt of this
 * version used another engine.
 */
export async function trainingRequest(
  workspace: Workspace,
  model: string,
  params: TrainJobParams & { version: string },
): Promise<TrainingRequest> {
  const lora = await import('@model-studio/lora-trainer');
  const settings = (await workspace.getModel(model)).settings;
  return lora.prepareTrainingRequest({
    storage: workspace.storage,
    model,
    version: params.version,
    dataset: params.dataset,
    engine: params.engine,
    steps: params.steps,
    rank: params.rank,
    trigger: settings.triggerWord,
    classWord: settings.classWord,
    buildHint: `build it (POST /v1/models/${model}/datasets) first`,
  });
}
