import { assertConsent, type ConsentHolder } from '../../consent/assert-consent.js';
import { ValidationError } from '../../errors/index.js';
import type { Storage } from '../../interfaces/storage.js';
import { assertModelName, assertRating, SAFE_RATING, storageKeys } from '../../naming/index.js';
import { isLoopbackUrl } from '../../net/address-visibility.js';
import type { StudioContext } from '../studio-context.js';
import type { SharedLink, ShareOptions, ShareStage } from '../studio-types.js';
import { type ShareableKey, shareableKeys } from './shareable-keys.js';

/** Seven days, in seconds: the default lifetime of a share link, and the longest an S3 presigned URL lasts. */
export const DEFAULT_SHARE_EXPIRES_IN = 604_800;

const shareStages: readonly ShareStage[] = ['enhanced', 'swapped', 'source'];

export function checkShareOptions(options: ShareOptions): {
  stages: ShareStage[];
  ratings?: string[];
  expiresIn: number;
} {
  const { expiresIn = DEFAULT_SHARE_EXPIRES_IN, stages = ['enhanced'], ratings } = options;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0) {
    throw new ValidationError(
      `expiresIn must be a positive whole number of seconds (7 days is 604800, the most S3 allows), got ${String(expiresIn)}.`,
      { field: 'expiresIn', value: expiresIn },
    );
  }
  if (!Array.isArray(stages) || stages.length === 0 || stages.some((stage) => !shareStages.includes(stage))) {
    throw new ValidationError(
      `stages must list one or more of "enhanced", "swapped", "source", got ${JSON.stringify(stages)}.`,
      { field: 'stages', value: stages },
    );
  }
  if (ratings !== undefined) {
    if (!Array.isArray(ratings)) {
      throw new ValidationError('ratings must be a list of ratings, e.g. ["sfw"].', { field: 'ratings' });
    }
    for (const rating of ratings) assertRating(rating);
  }
  return { stages: [...new Set(stages)], expiresIn, ...(ratings && { ratings: [...new Set(ratings)] }) };
}

/** Every storage holding the model's files, primary first, each once. */
function storagesOf(context: StudioContext): Storage[] {
  return [...new Set([context.storage, ...(context.settings.resultStores ?? []), ...context.workspace.mirrors])];
}

/**
 * Which storage signs each key: one with internet-reachable URLs that holds the key (the primary first, then the result
 * stores and mirrors results were copied to); without one, a result store or mirror that holds it (an S3 bucket on a
 * private network outlives this process), else the primary storage (LocalStorage's loopback URLs).
 */
async function signersByKey(
  context: StudioContext,
  model: string,
  keys: readonly ShareableKey[],
  signal: AbortSignal | undefined,
): Promise<Map<string, Storage>> {
  const [primary, ...copies] = storagesOf(context) as [Storage, ...Storage[]];
  const ranked = [
    ...[primary, ...copies].filter((storage) => storage.publicUrls),
    ...copies.filter((storage) => !storage.publicUrls),
    ...(primary.publicUrls ? [] : [primary]),
  ].filter((storage) => typeof storage.signedUrl === 'function');
  const holds = new Map<Storage, Set<string>>([[primary, new Set(keys.map((entry) => entry.key))]]);
  const resultKeys = keys.filter((entry) => entry.stage !== 'source');
  for (const storage of ranked) {
    if (holds.has(storage) || resultKeys.length === 0) continue;
    const present = new Set<string>();
    for await (const info of storage.list({ prefix: storageKeys.resultsPrefix(model), ...(signal && { signal }) })) {
      present.add(info.key);
    }
    holds.set(storage, present);
  }
  const signers = new Map<string, Storage>();
  for (const { key } of keys) {
    const signer = ranked.find((storage) => holds.get(storage)?.has(key));
    if (signer) signers.set(key, signer);
  }
  return signers;
}

function cannotSign(context: StudioContext, model: string): ValidationError {
  return new ValidationError(
    `The storage of model "${model}" (${context.storage.provider}) cannot sign URLs, so nothing can be shared. Open ` +
      'the workspace on a storage that signs them: S3Storage for links anyone can open, or ' +
      'LocalStorage({ root, signedUrls: {} }) for links that work on this machine only.',
    { field: 'storage', value: context.storage.provider },
  );
}

/** Throws a `ConsentError` unless the consent record lets the subject's likeness be shared in every rating. */
function assertShareConsent(config: ConsentHolder, ratings: Iterable<string>, withSources: boolean): void {
  // A revoked record refuses every share, even one that finds nothing to sign.
  if (config.consent?.revokedAt !== undefined) assertConsent(config, { rating: SAFE_RATING, use: 'publish' });
  // A link hands the images to whoever holds it: that is publication of the subject's likeness.
  for (const rating of ratings) assertConsent(config, { rating, use: 'publish' });
  if (withSources) assertConsent(config, { rating: SAFE_RATING, use: 'publish' });
}

/**
 * Signs GET links to `keys` (files of `model` that the naming rules build, from `shareableKeys`), each by a storage
 * holding it (see {@link signersByKey}). Shared by `studio.share` and `studio.downloadLinks`; checks no consent.
 */
export async function signModelLinks(
  context: StudioContext,
  model: string,
  keys: readonly ShareableKey[],
  expiresIn: number,
  signal: AbortSignal | undefined,
): Promise<SharedLink[]> {
  if (keys.length === 0) return [];
  const signers = await signersByKey(context, model, keys, signal);
  if (signers.size === 0) throw cannotSign(context, model);
  const prefix = storageKeys.modelPrefix(model);
  const links: SharedLink[] = [];
  for (const entry of keys) {
    const signer = signers.get(entry.key);
    if (!signer?.signedUrl) throw cannotSign(context, model);
    if (!entry.key.startsWith(prefix)) {
      // Unreachable (shareableKeys builds every key under the prefix); kept so no change there can widen a share.
      throw new ValidationError(`Refusing to sign ${entry.key}: it is not a file of model "${model}".`, {
        field: 'key',
        value: entry.key,
      });
    }
    signal?.throwIfAborted();
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + expiresIn) * 1000);
    const url = await signer.signedUrl(entry.key, { method: 'GET', expiresIn, ...(signal && { signal }) });
    links.push({
      name: entry.name,
      key: entry.key,
      url,
      expiresAt,
      stage: entry.stage,
      ...(entry.rating !== undefined && { rating: entry.rating }),
      storage: signer.provider,
      reachableFrom: signer.publicUrls ? 'internet' : isLoopbackUrl(url) ? 'this-machine' : 'private-network',
    });
  }
  return links;
}

/**
 * `studio.share`: signed GET links to the model's results (and source photos when asked), valid for `expiresIn`
 * seconds (7 days by default). Each link is signed by a storage holding the file, preferring one whose URLs the
 * internet can reach (S3 presigned URLs) over the workspace's loopback ones, and says which it is. Only keys the naming
 * rules build for this model are signed. Needs consent covering `publish` for every shared rating.
 */
export async function shareResults(
  context: StudioContext,
  model: string,
  options: ShareOptions = {},
): Promise<SharedLink[]> {
  assertModelName(model);
  const { stages, ratings, expiresIn } = checkShareOptions(options);
  const { signal } = options;
  const config = await context.workspace.getModel(model);
  const keys = await shareableKeys(context.storage, { model, ratings, stages, ...(signal && { signal }) });
  const shared = new Set(ratings ?? keys.flatMap((entry) => (entry.rating ? [entry.rating] : [])));
  assertShareConsent(
    config,
    shared,
    keys.some((entry) => entry.stage === 'source'),
  );
  return signModelLinks(context, model, keys, expiresIn, signal);
}
