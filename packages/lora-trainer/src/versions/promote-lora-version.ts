import type { CallOptions, Storage } from '@model-studio/core';
import { finalPointerKey, readLoraVersion } from './list-lora-versions.js';
import type { FinalLoraPointer } from './lora-version-record.js';
import { writeJson } from './storage-io.js';

/**
 * Marks a version as the model's final LoRA (`loras/final.json`, replacing the previous choice).
 *
 * @throws NotFoundError when the version does not exist.
 */
export async function promoteLoraVersion(
  storage: Storage,
  model: string,
  version: string,
  options: CallOptions & { now?: () => Date } = {},
): Promise<FinalLoraPointer> {
  const record = await readLoraVersion(storage, model, version, options);
  const pointer: FinalLoraPointer = {
    version,
    sha256: record.artifact.sha256,
    promotedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  await writeJson(storage, finalPointerKey(model), pointer, { signal: options.signal });
  return pointer;
}
