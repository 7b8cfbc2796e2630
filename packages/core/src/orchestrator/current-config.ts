import { storageKeys } from '../naming/index.js';
import type { ModelConfig, RunConfig, Workspace } from '../workspace/index.js';
import { runConfigOf } from '../workspace/model-config.js';
import type { StudioContext } from './studio-context.js';

/** Configs read by a studio's plans, without their target records, by model, with the ETag they were read under. */
export type RunConfigCache = Map<string, { etag: string; config: RunConfig }>;

/**
 * The ETag of the model's config file now (undefined when the storage gives none). Taken before the file is read: a
 * change in between only makes the next reader read it again.
 */
export async function configEtag(context: StudioContext, model: string): Promise<string | undefined> {
  return (await context.storage.head(storageKeys.config(model)))?.etag;
}

/** Keeps the config a plan read under `etag` (without its target records) for the run that follows it. */
export function rememberRunConfig(
  context: StudioContext,
  model: string,
  etag: string | undefined,
  config: ModelConfig,
): void {
  if (etag === undefined) context.runConfigs?.delete(model);
  else context.runConfigs?.set(model, { etag, config: runConfigOf(config) });
}

/**
 * A run's config and the ETag it was read under: the one its plan read when the file has not changed since (a config
 * with 100,000 target records is then parsed once for a plan and its run, not twice), else read now.
 */
export async function runConfigFor(
  context: StudioContext,
  model: string,
): Promise<{ etag: string | undefined; config: RunConfig }> {
  const etag = await configEtag(context, model);
  const known = context.runConfigs?.get(model);
  if (etag !== undefined && known?.etag === etag) return known;
  const config = await context.workspace.getModel(model);
  rememberRunConfig(context, model, etag, config);
  return { etag, config: runConfigOf(config) };
}

/**
 * Reads a model's config fresh for each paid call's consent check, but parses it again only when the stored file
 * changed: each call asks the storage for the file's ETag (cheap) and reuses the config read under the same ETag.
 * The config holds every target's provenance, so parsing it per call would cost more the bigger the run; what is kept
 * is the config without those records (see {@link RunConfig}). Storage without ETags is read in full every time.
 * `known` is the run's own config, read under `etag`, so that an unchanged file is not read again.
 */
export function currentConfigReader(
  workspace: Workspace,
  model: string,
  known?: { etag: string | undefined; config: RunConfig },
): () => Promise<RunConfig> {
  const key = storageKeys.config(model);
  let cached: { etag: string; config: RunConfig } | undefined =
    known?.etag === undefined ? undefined : { etag: known.etag, config: known.config };
  return async () => {
    // The ETag is taken before the read: a change in between only makes the next call read again.
    const etag = (await workspace.storage.head(key))?.etag;
    if (etag !== undefined && cached?.etag === etag) return cached.config;
    const config = runConfigOf(await workspace.getModel(model));
    cached = etag === undefined ? undefined : { etag, config };
    return config;
  };
}
