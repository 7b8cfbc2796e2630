import { storageKeys } from '../naming/index.js';
import type { ModelConfig, Workspace } from '../workspace/index.js';

/**
 * Reads a model's config fresh for each paid call's consent check, but parses it again only when the stored file
 * changed: each call asks the storage for the file's ETag (cheap) and reuses the config read under the same ETag.
 * The config holds every target's provenance, so parsing it per call would cost more the bigger the run.
 * Storage without ETags is read in full every time. `known` is a config already read under `etag` (the run's own), so
 * that an unchanged file is not held twice.
 */
export function currentConfigReader(
  workspace: Workspace,
  model: string,
  known?: { etag: string | undefined; config: ModelConfig },
): () => Promise<ModelConfig> {
  const key = storageKeys.config(model);
  let cached: { etag: string; config: ModelConfig } | undefined =
    known?.etag === undefined ? undefined : { etag: known.etag, config: known.config };
  return async () => {
    // The ETag is taken before the read: a change in between only makes the next call read again.
    const etag = (await workspace.storage.head(key))?.etag;
    if (etag !== undefined && cached?.etag === etag) return cached.config;
    const config = await workspace.getModel(model);
    cached = etag === undefined ? undefined : { etag, config };
    return config;
  };
}
