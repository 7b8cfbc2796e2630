import { type CallOptions, type FaceChecker, type Storage, storageKeys } from '@model-studio/core';
import { finalPointerKey, readLoraVersion } from './list-lora-versions.js';
import {
  type FinalLoraPointer,
  type LoraVersionRecord,
  type LossPoint,
  loraVersionFiles,
} from './lora-version-record.js';
import { parseTrainingMetrics } from './parse-training-metrics.js';
import { measureSampleIdentity, type SampleIdentityReport } from './sample-identity.js';
import { readBytes, readJsonIfExists } from './storage-io.js';

/** Identity options of {@link showLoraVersion} and `compareLoraVersions`: a face checker and the source's embedding. */
export interface IdentityCheckOptions {
  faceChecker: FaceChecker;
  sourceEmbedding: Float32Array;
  /** @default 0.6 */
  threshold?: number;
}

/** Options of {@link showLoraVersion}. */
export interface ShowLoraVersionOptions extends CallOptions {
  /** Measure the samples' identity against the source face. */
  identity?: IdentityCheckOptions;
}

/** Everything about one version. */
export interface LoraVersionDetails {
  record: LoraVersionRecord;
  final: boolean;
  config: Record<string, unknown>;
  loss: LossPoint[];
  /** Storage keys. */
  keys: { artifact: string; samples: string[] };
  identity?: SampleIdentityReport;
}

/** Reads a version's samples (file, bytes, prompt). */
export async function readSamples(
  storage: Storage,
  record: LoraVersionRecord,
  options: CallOptions = {},
): Promise<Array<{ file: string; bytes: Uint8Array; prompt?: string | undefined }>> {
  const samples = [];
  for (const sample of record.samples) {
    const key = storageKeys.lora(record.model, record.version, `${loraVersionFiles.samplesFolder}${sample.file}`);
    samples.push({ ...sample, bytes: await readBytes(storage, key, options) });
  }
  return samples;
}

/**
 * One version in detail: its record, config, loss curve, keys, whether it is final, and optionally the identity of
 * its validation samples (for a sandbox version that measures the pipeline, not a model: the report says so).
 *
 * @throws NotFoundError when the version does not exist.
 */
export async function showLoraVersion(
  storage: Storage,
  model: string,
  version: string,
  options: ShowLoraVersionOptions = {},
): Promise<LoraVersionDetails> {
  const call = { signal: options.signal };
  const record = await readLoraVersion(storage, model, version, call);
  const key = (file: string) => storageKeys.lora(model, version, file);
  const config = (await readJsonIfExists<Record<string, unknown>>(storage, key(loraVersionFiles.config), call)) ?? {};
  const metricsBytes = (await storage.head(key(loraVersionFiles.metrics), call))
    ? await readBytes(storage, key(loraVersionFiles.metrics), call)
    : new Uint8Array();
  const final = await readJsonIfExists<FinalLoraPointer>(storage, finalPointerKey(model), call);
  const details: LoraVersionDetails = {
    record,
    final: final?.version === version,
    config,
    loss: parseTrainingMetrics(new TextDecoder().decode(metricsBytes)),
    keys: {
      artifact: key(record.artifact.file),
      samples: record.samples.map((sample) => key(`${loraVersionFiles.samplesFolder}${sample.file}`)),
    },
  };
  if (options.identity) {
    const samples = await readSamples(storage, record, call);
    details.identity = await measureSampleIdentity(samples, record.sandbox, {
      ...options.identity,
      signal: options.signal,
    });
  }
  return details;
}
