import { type CallOptions, type Storage, storageKeys } from '@model-studio/core';
import { readJsonIfExists } from '../versions/storage-io.js';
import { type CheckpointCurve, checkpointCurveFile } from './checkpoint-curve.js';
import { type ComputeCheckpointCurveOptions, computeCheckpointCurve } from './compute-checkpoint-curve.js';

/** The stored curve of a version (`checkpoint-curve.json`), or `undefined` when it was never computed. */
export async function readCheckpointCurve(
  storage: Storage,
  model: string,
  version: string,
  options: CallOptions = {},
): Promise<CheckpointCurve | undefined> {
  return readJsonIfExists<CheckpointCurve>(storage, storageKeys.lora(model, version, checkpointCurveFile), options);
}

/**
 * The version's curve: the stored one, or computed (and stored) when there is none or `recompute` is set, or when
 * the stored one has no identity but `identity` is given now.
 */
export async function loadCheckpointCurve(
  options: ComputeCheckpointCurveOptions & { recompute?: boolean },
): Promise<CheckpointCurve> {
  if (!options.recompute) {
    const stored = await readCheckpointCurve(options.storage, options.model, options.version, options);
    if (stored && (stored.faceChecker !== undefined || !options.identity)) return stored;
  }
  return computeCheckpointCurve(options);
}
