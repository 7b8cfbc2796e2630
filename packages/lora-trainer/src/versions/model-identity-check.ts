import { type FaceChecker, type Storage, storageKeys } from '@model-studio/core';
import type { IdentityCheckOptions } from './show-lora-version.js';

/** What {@link modelIdentityCheck} found: the check to pass as `identity`, or why the samples cannot be measured. */
export interface ModelIdentityCheck {
  /** Set when the model's first source photo shows a face. */
  identity?: IdentityCheckOptions;
  /** Why `identity` is not set: the model has no source photo, or its first one shows no face. */
  reason?: 'no-source' | 'no-face';
  /** `reason` in words, naming the photo. */
  note?: string;
}

/**
 * The identity check of a model's LoRA samples (`showLoraVersion` / `compareLoraVersions` `identity` option): the
 * face checker and the embedding of the model's first source photo. The CLI's `loras show|compare` and the example
 * server's compare route both measure against this one face.
 *
 * @example
 * ```ts no-run
 * const { identity, note } = await modelIdentityCheck(storage, 'ana', faceChecker);
 * const comparison = await compareLoraVersions(storage, 'ana', 'v1', 'v2', identity ? { identity } : {});
 * ```
 */
export async function modelIdentityCheck(
  storage: Storage,
  model: string,
  faceChecker: FaceChecker,
  options: { threshold?: number; signal?: AbortSignal } = {},
): Promise<ModelIdentityCheck> {
  const key = storageKeys.source(model, 1);
  const signal = options.signal ? { signal: options.signal } : {};
  if (!(await storage.head(key, signal)))
    return { reason: 'no-source', note: `${key} is missing: the samples' identity is not measured.` };
  const bytes = new Uint8Array(await new Response(await storage.get(key, signal)).arrayBuffer());
  const [face] = await faceChecker.embeddings({ bytes }, signal);
  if (!face) return { reason: 'no-face', note: `No face in ${key}: the samples' identity is not measured.` };
  return {
    identity: {
      faceChecker,
      sourceEmbedding: face.embedding,
      ...(options.threshold !== undefined && { threshold: options.threshold }),
    },
  };
}
