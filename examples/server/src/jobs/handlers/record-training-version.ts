import type { Storage, TrainingArtifact, TrainSummary } from '@model-studio/core';
import { readStoredJson, type TrainingRequest } from './training-request.js';

/** The LoRA version a training recorded: its file's key, size and whether it is a sandbox file. */
export interface RecordedLora {
  key: string;
  bytes: number;
  sandbox: boolean;
}

async function readArtifacts(storage: Storage, keys: readonly string[]): Promise<TrainingArtifact[]> {
  const artifacts: TrainingArtifact[] = [];
  for (const key of keys) {
    const bytes = new Uint8Array(await new Response(await storage.get(key)).arrayBuffer());
    const name = key.slice(key.lastIndexOf('/training/') + '/training/'.length).replace(/^[^/]+\//, '');
    artifacts.push({ name, bytes });
  }
  return artifacts;
}

/**
 * Records a finished training as LoRA version `version` (`recordLoraVersion` from `@model-studio/lora-trainer`), unless
 * an earlier attempt recorded it already: the same step as `studio train start`.
 */
export async function recordTrainingVersion(
  storage: Storage,
  model: string,
  version: string,
  request: TrainingRequest,
  summary: TrainSummary,
): Promise<RecordedLora> {
  const lora = await import('@model-studio/lora-trainer');
  const existing = await lora.readLoraVersion(storage, model, version).catch(() => undefined);
  const record =
    existing ??
    (await lora.recordLoraVersion({
      storage,
      model,
      version,
      family: request.family,
      artifacts: summary.artifacts ?? (await readArtifacts(storage, summary.outputKeys)),
      config: request.config,
      datasetManifest: await readStoredJson(storage, `models/${model}/datasets/${request.dataset}/manifest.json`),
      trainer: { provider: summary.job.provider, jobId: summary.job.id },
    }));
  return {
    key: `models/${model}/loras/${version}/${record.artifact.file}`,
    bytes: record.artifact.size,
    sandbox: record.sandbox === true,
  };
}
