import { createHash } from 'node:crypto';
import {
  type BestCheckpointThresholds,
  type CallOptions,
  NotFoundError,
  type Storage,
  storageKeys,
  ValidationError,
} from '@model-studio/core';
import { finalPointerKey } from '../versions/list-lora-versions.js';
import type { FinalLoraPointer } from '../versions/lora-version-record.js';
import { readBytes, writeJson } from '../versions/storage-io.js';
import type { CheckpointCurve } from './checkpoint-curve.js';
import { type BestCheckpointChoice, chooseBestCheckpoint } from './choose-best-checkpoint.js';

/** `loras/final.json` for a promoted checkpoint: the version, and which checkpoint's weights are the final LoRA. */
export interface CheckpointFinalPointer extends FinalLoraPointer {
  /** The promoted checkpoint's step. */
  step: number;
  /** Its weights, relative to `loras/<version>/` (the file to use as the final LoRA); `sha256` is this file's. */
  file: string;
  /** Why it was chosen (`--best`), or `chosen by step`. */
  reason: string;
}

/** Options of {@link promoteCheckpoint}. */
export interface PromoteCheckpointOptions extends CallOptions {
  /** Why, recorded in the pointer. @default 'chosen by step' */
  reason?: string;
  now?: () => Date;
}

/**
 * Promotes one checkpoint of a version: its weights become the model's final LoRA (`loras/final.json` names the
 * version, the step, the weights file and their sha256, replacing the previous choice), as `promoteLoraVersion`
 * does for a whole version.
 *
 * @throws NotFoundError when the curve has no checkpoint at `step`; ValidationError when it has no stored weights.
 */
export async function promoteCheckpoint(
  storage: Storage,
  curve: CheckpointCurve,
  step: number,
  options: PromoteCheckpointOptions = {},
): Promise<CheckpointFinalPointer> {
  const point = curve.checkpoints.find((checkpoint) => checkpoint.step === step);
  if (!point) {
    const steps = curve.checkpoints.map((checkpoint) => checkpoint.step).join(', ') || 'none';
    throw new NotFoundError(
      `${curve.model} ${curve.version} has no checkpoint at step ${step} (steps: ${steps}): pick one of those.`,
      { kind: 'checkpoint', name: String(step) },
    );
  }
  const prefix = storageKeys.loraPrefix(curve.model, curve.version);
  if (!point.weights || !(await storage.head(point.weights, { signal: options.signal }))) {
    throw new ValidationError(
      `The checkpoint at step ${step} of ${curve.model} ${curve.version} has no stored weights: pick another step.`,
      { field: 'step', value: step },
    );
  }
  const bytes = await readBytes(storage, point.weights, options);
  const pointer: CheckpointFinalPointer = {
    version: curve.version,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    promotedAt: (options.now?.() ?? new Date()).toISOString(),
    step,
    file: point.weights.slice(prefix.length),
    reason: options.reason ?? 'chosen by step',
  };
  await writeJson(storage, finalPointerKey(curve.model), pointer, { signal: options.signal });
  return pointer;
}

/**
 * Applies {@link chooseBestCheckpoint} to the curve and promotes the winner.
 *
 * @throws NoQualifyingCheckpointError when no checkpoint qualifies (nothing is promoted).
 */
export async function promoteBestCheckpoint(
  storage: Storage,
  curve: CheckpointCurve,
  thresholds?: BestCheckpointThresholds,
  options: PromoteCheckpointOptions = {},
): Promise<{ pointer: CheckpointFinalPointer; choice: BestCheckpointChoice }> {
  const choice = chooseBestCheckpoint(curve, thresholds);
  const pointer = await promoteCheckpoint(storage, curve, choice.checkpoint.step, { ...options, reason: choice.why });
  return { pointer, choice };
}
