import { storageKeys } from '../naming/index.js';
import type { ModelConfig, RunConfig } from '../workspace/index.js';
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

/**
 * Keeps the config a plan read under `etag` (without its target records) for the run that follows it; returns that
 * run config.
 */
export function rememberRunConfig(
  context: StudioContext,
  model: string,
  etag: string | undefined,
  config: ModelConfig,
): RunConfig {
  const runConfig = runConfigOf(config);
  if (etag === undefined) context.runConfigs.delete(model);
  else context.runConfigs.set(model, { etag, config: runConfig });
  return runConfig;
}

/**
 * A run's config as stored now, and the ETag it was read under: the one read last (by the plan, the run, or a paid
 * call's consent check) when the file has not changed since, else read now. Each call asks the storage for the
 * file's ETag (cheap), so a run calls it before every paid call and a revocation from any process stops the run, while
 * a config with 100,000 target records is parsed once for a plan and its run, not per call. Storage without ETags is
 * read in full every time.
 */
export async function runConfigFor(
  context: StudioContext,
  model: string,
): Promise<{ etag: string | undefined; config: RunConfig }> {
  const etag = await configEtag(context, model);
  const known = context.runConfigs.get(model);
  if (etag !== undefined && known?.etag === etag) return known;
  const config = await context.workspace.getModel(model);
  return { etag, config: rememberRunConfig(context, model, etag, config) };
}
