import { createHash } from 'node:crypto';
import {
  type CallOptions,
  type Storage,
  storageKeys,
  type TrainingArtifact,
  ValidationError,
} from '@model-studio/core';
import { aiToolkitLossPoints } from '../ai-toolkit/ai-toolkit-progress.js';
import { clearIncompleteVersion } from '../dataset/clear-incomplete-version.js';
import type { ModelFamily } from '../model-family.js';
import { inspectLora } from '../safetensors/inspect-lora.js';
import { readSafetensorsHeader } from '../safetensors/safetensors-header.js';
import { engineOfConfig } from '../training-engine.js';
import { type LoraSample, type LoraVersionRecord, loraVersionFiles } from './lora-version-record.js';
import { parseTrainingMetrics } from './parse-training-metrics.js';
import { writeJson } from './storage-io.js';

/** Options for {@link recordLoraVersion}. */
export interface RecordLoraVersionOptions extends CallOptions {
  storage: Storage;
  model: string;
  /** Version name (a slug, e.g. `v1`); must not exist yet. */
  version: string;
  family: ModelFamily;
  /** The trainer's output files (`Trainer.fetchArtifacts`): one `.safetensors`, `training_metrics.jsonl`, sample images. */
  artifacts: readonly TrainingArtifact[];
  /** The config it was trained with (SimpleTuner or ai-toolkit: the version records the engine from its shape). */
  config: Record<string, unknown>;
  /** The dataset manifest it was trained on. */
  datasetManifest?: { version?: string } & Record<string, unknown>;
  /** The trainer's provider and job id. */
  trainer?: { provider: string; jobId: string };
  /** Prompts of the samples, by file name. */
  samplePrompts?: Record<string, string>;
  /** Clock, for tests. */
  now?: () => Date;
}

const sampleImage = /\.(png|jpe?g|webp)$/i;

function pickArtifact(artifacts: readonly TrainingArtifact[]): TrainingArtifact {
  const loras = artifacts.filter((artifact) => artifact.name.endsWith('.safetensors') && !isCheckpoint(artifact.name));
  const main =
    loras.find((a) => a.name.endsWith('pytorch_lora_weights.safetensors')) ??
    (loras.length === 1 ? loras[0] : undefined);
  if (!main) {
    throw new ValidationError(
      `Expected one LoRA .safetensors among the training outputs, found ${loras.length}: fetch the artifacts again.`,
      { field: 'artifacts' },
    );
  }
  return main;
}

/** A checkpoint's name relative to `checkpoints/`, or `undefined` (outputs may sit under a folder, e.g. `output/`). */
function checkpointPath(name: string): string | undefined {
  const at = name.indexOf(loraVersionFiles.checkpointsFolder);
  if (at === 0 || (at > 0 && name[at - 1] === '/')) return name.slice(at + loraVersionFiles.checkpointsFolder.length);
  return undefined;
}

const isCheckpoint = (name: string) => checkpointPath(name) !== undefined;

/** The rank a config trains: SimpleTuner's `lora_rank`, ai-toolkit's `network.linear`. */
function configRank(config: Record<string, unknown>): number | undefined {
  if (engineOfConfig(config) === 'ai-toolkit') {
    const process = (config.config as { process: Array<{ network?: { linear?: unknown } }> }).process[0];
    return typeof process?.network?.linear === 'number' ? process.network.linear : undefined;
  }
  return typeof config.lora_rank === 'number' ? config.lora_rank : undefined;
}

/** Loss points: `training_metrics.jsonl` (both engines), else ai-toolkit's training bar in the console log. */
function lossPoints(artifacts: readonly TrainingArtifact[], config: Record<string, unknown>) {
  const metricsFile = artifacts.find((artifact) => artifact.name.endsWith('training_metrics.jsonl'));
  const points = metricsFile ? parseTrainingMetrics(new TextDecoder().decode(metricsFile.bytes)) : [];
  if (points.length > 0 || engineOfConfig(config) !== 'ai-toolkit') return { points, metricsFile };
  const log = artifacts.find((artifact) => artifact.name.endsWith('train.log'));
  const name = (config.config as { name?: string }).name;
  const fromLog = log ? aiToolkitLossPoints(new TextDecoder().decode(log.bytes), name) : [];
  const text = fromLog
    .map((point) => JSON.stringify({ step: point.step, metrics: { train_loss: point.loss } }))
    .join('\n');
  return {
    points: fromLog,
    metricsFile:
      fromLog.length > 0 ? { name: 'training_metrics.jsonl', bytes: new TextEncoder().encode(`${text}\n`) } : undefined,
  };
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * Records a finished training as `models/<model>/loras/<version>/`: the LoRA file with its sha256 and size after its
 * safetensors header is checked (rank equal to the config's `lora_rank`, or `network.linear` for ai-toolkit; key
 * format, dtype), `config.json`, `dataset-manifest.json`, `metrics.jsonl` (for ai-toolkit without metrics, from its
 * console's training bar), `checkpoints/` (named as `listCheckpoints` reads them), `samples/` and `version.json` (last, so a version without it is
 * incomplete, and its files are deleted by the next attempt). A LoRA whose header says `ms.sandbox` is marked `sandbox: true`.
 *
 * @throws ValidationError for an existing version, a missing or invalid LoRA, or a rank that differs from the config.
 */
export async function recordLoraVersion(options: RecordLoraVersionOptions): Promise<LoraVersionRecord> {
  const { storage, model, version, family, artifacts, config, signal } = options;
  const key = (file: string) => storageKeys.lora(model, version, file);
  if (await storage.head(key(loraVersionFiles.record), { signal })) {
    throw new ValidationError(
      `LoRA version "${version}" of model "${model}" exists already: choose a new version name.`,
      {
        field: 'version',
        value: version,
      },
    );
  }
  const lora = pickArtifact(artifacts);
  const inspection = inspectLora(lora.bytes);
  const rank = configRank(config);
  if (rank !== undefined && rank !== inspection.rank) {
    throw new ValidationError(
      `The LoRA's header says rank ${inspection.rank} but the config trained rank ${rank}: the wrong file was fetched.`,
      { field: 'artifacts' },
    );
  }
  const sandbox = readSafetensorsHeader(lora.bytes).metadata['ms.sandbox'] === 'true';
  await clearIncompleteVersion(storage, storageKeys.loraPrefix(model, version), { signal });
  const file = baseName(lora.name);
  await storage.put(key(file), lora.bytes, { signal, contentType: 'application/octet-stream' });
  await writeJson(storage, key(loraVersionFiles.config), config, { signal });
  if (options.datasetManifest)
    await writeJson(storage, key(loraVersionFiles.datasetManifest), options.datasetManifest, { signal });
  const { points, metricsFile } = lossPoints(artifacts, config);
  if (metricsFile) await storage.put(key(loraVersionFiles.metrics), metricsFile.bytes, { signal });
  for (const artifact of artifacts) {
    const path = checkpointPath(artifact.name);
    if (path === undefined || !artifact.name.endsWith('.safetensors')) continue;
    const checkpointKey = key(`${loraVersionFiles.checkpointsFolder}${path}`);
    await storage.put(checkpointKey, artifact.bytes, { signal, contentType: 'application/octet-stream' });
  }
  const samples: LoraSample[] = [];
  for (const artifact of artifacts.filter((a) => sampleImage.test(a.name))) {
    const sampleFile = baseName(artifact.name);
    await storage.put(key(`${loraVersionFiles.samplesFolder}${sampleFile}`), artifact.bytes, { signal });
    samples.push({ file: sampleFile, prompt: options.samplePrompts?.[sampleFile] });
  }
  const losses = points.map((point) => point.loss);
  const record: LoraVersionRecord = {
    recordVersion: 1,
    model,
    version,
    family,
    engine: engineOfConfig(config),
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    datasetVersion: options.datasetManifest?.version,
    trainer: options.trainer,
    sandbox,
    artifact: {
      file,
      sha256: createHash('sha256').update(lora.bytes).digest('hex'),
      size: lora.bytes.byteLength,
      rank: inspection.rank,
      format: inspection.format,
      dtype: inspection.dtype,
      tensors: inspection.tensors,
    },
    metrics: {
      steps: points.at(-1)?.step ?? 0,
      finalLoss: losses.at(-1),
      minLoss: losses.length > 0 ? Math.min(...losses) : undefined,
    },
    samples,
  };
  await writeJson(storage, key(loraVersionFiles.record), record, { signal });
  return record;
}
