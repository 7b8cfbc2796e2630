import { assertModelName } from '../../naming/index.js';
import type { StudioContext } from '../studio-context.js';
import type { SharedLink, ShareOptions } from '../studio-types.js';
import { checkShareOptions, signModelLinks } from './share-results.js';
import { shareableKeys } from './shareable-keys.js';

/** Fifteen minutes, in seconds: the default lifetime of an owner's download link. */
export const DEFAULT_DOWNLOAD_EXPIRES_IN = 900;

/** Options for `studio.downloadLinks`: those of `studio.share`, with a short default lifetime. */
export interface DownloadLinksOptions extends ShareOptions {
  /**
   * How long the links stay valid, in seconds (at most what the storage accepts: 604800, 7 days, for S3 and
   * LocalStorage).
   * @default 900 (15 minutes)
   */
  expiresIn?: number;
}

/**
 * `studio.downloadLinks`: short-lived signed GET links for the model's owner to download its results (and source
 * photos on request), signed like `studio.share`'s (a storage holding each file, internet-reachable ones first) but
 * without the `publish` consent check: the owner fetching their own files publishes nothing. Front-ends must check
 * that the caller owns the model; the links must not be handed to anyone else (use `studio.share` for that).
 */
export async function downloadLinks(
  context: StudioContext,
  model: string,
  options: DownloadLinksOptions = {},
): Promise<SharedLink[]> {
  assertModelName(model);
  const { stages, ratings, expiresIn } = checkShareOptions({
    ...options,
    expiresIn: options.expiresIn ?? DEFAULT_DOWNLOAD_EXPIRES_IN,
  });
  const { signal } = options;
  // An unknown model is a NotFoundError, as for every verb.
  await context.workspace.getModel(model);
  const keys = await shareableKeys(context.storage, { model, ratings, stages, ...(signal && { signal }) });
  return signModelLinks(context, model, keys, expiresIn, signal);
}
