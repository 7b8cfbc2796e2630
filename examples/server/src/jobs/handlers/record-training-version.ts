import type { Storage, TrainSummary } from '@model-studio/core';
import type { TrainingRequest } from './training-request.js';

/** The LoRA version a training recorded: its file's key, size, whether it is a sandbox file, and its engine. */
export interface RecordedLora {
  key: string;
  bytes: number;
  sandbox: boolean;
  engine: 'simpletuner' | 'ai-toolkit';
}

/**
 * Records a finished training as LoRA version `version` (`recordTrainedVersion` from `@model-studio/lora-trainer`),
 * unless an earlier attempt recorded it already: the same step as `studio train start`.
 */
export async function recordTrainingVersion(
  storage: Storage,
  model: string,
  version: string,
  request: TrainingRequest,
  summary: TrainSummary,
): Promise<RecordedLora> {
  const lora = await import('@model-studio/lora-trainer');
  return lora.recordTrainedVersion({ storage, model, version, request, summary });
}
