import { type CallOptions, type Storage, storageKeys } from '@model-studio/core';
import { listCheckpoints } from '../versions/list-checkpoints.js';
import { readLoraVersion } from '../versions/list-lora-versions.js';
import type { LoraVersionRecord } from '../versions/lora-version-record.js';

/** One checkpoint of a recorded version: its step, its weights and its validation samples, as storage keys. */
export interface VersionCheckpoint {
  step: number;
  /** Storage key of the checkpoint's `.safetensors`. */
  weights: string;
  /** Storage keys of its validation samples, in prompt order. */
  samples: string[];
  /** True for the version's own LoRA (the last step). */
  last: boolean;
}

/**
 * The checkpoints of a recorded LoRA version in step order, as storage keys: the files under
 * `models/<model>/loras/<version>/` read with the engines' layout (`listCheckpoints`: SimpleTuner's
 * `checkpoints/checkpoint-<N>/` and `samples/step-<N>-<i>.png`, ai-toolkit's `checkpoints/<name>_<N>.safetensors` and
 * `samples/<time>__<N>_<i>.jpg`), the version's LoRA being the last step.
 *
 * @throws NotFoundError when the version does not exist.
 */
export async function listVersionCheckpoints(
  storage: Storage,
  model: string,
  version: string,
  options: CallOptions & { record?: LoraVersionRecord } = {},
): Promise<VersionCheckpoint[]> {
  const record = options.record ?? (await readLoraVersion(storage, model, version, options));
  const prefix = storageKeys.loraPrefix(model, version);
  const files: string[] = [];
  for await (const info of storage.list({ prefix, signal: options.signal })) files.push(info.key.slice(prefix.length));
  const finalStep = record.metrics.steps > 0 ? { finalStep: record.metrics.steps } : {};
  return listCheckpoints(files, finalStep).map((checkpoint) => ({
    step: checkpoint.step,
    weights: `${prefix}${checkpoint.file}`,
    samples: checkpoint.samples.map((sample) => `${prefix}${sample}`),
    last: checkpoint.final,
  }));
}
