import type { Storage } from '../../interfaces/storage.js';
import { compareResultNames, parseResultName, parseSourceName, resultStages, storageKeys } from '../../naming/index.js';
import type { ShareStage } from '../studio-types.js';

/** One file a share may sign: its storage key, file name, stage and (for results) rating. */
export interface ShareableKey {
  key: string;
  name: string;
  stage: ShareStage;
  /** The result's rating; absent for source photos. */
  rating?: string;
}

/** What {@link shareableKeys} selects. */
export interface ShareSelection {
  model: string;
  /** Ratings to keep; every rating when undefined. */
  ratings: readonly string[] | undefined;
  stages: readonly ShareStage[];
  signal?: AbortSignal;
}

/**
 * The model's files a share may sign, found by listing `storage` under the model's own prefixes: result images of the
 * chosen stages and ratings, and source photos when `source` is a stage. A key is kept only when it is exactly the key
 * the naming rules build for the model from its parsed file name, so a stray file (another model's name, a caption, a
 * non-canonical number, a deeper folder) is never returned, and nothing outside `models/<model>/` can be. Sources come
 * first, then results in name order.
 */
export async function shareableKeys(storage: Storage, selection: ShareSelection): Promise<ShareableKey[]> {
  const { model, ratings, stages, signal } = selection;
  const found: (ShareableKey & { source: number })[] = [];
  if (stages.includes('source')) {
    for await (const info of storage.list({ prefix: storageKeys.sourcePrefix(model), ...(signal && { signal }) })) {
      const name = info.key.slice(info.key.lastIndexOf('/') + 1);
      const parsed = parseSourceName(name);
      if (parsed?.model !== model || storageKeys.source(model, parsed.source) !== info.key) continue;
      found.push({ key: info.key, name, stage: 'source', source: parsed.source });
    }
  }
  const sources = found.sort((a, b) => a.source - b.source).map(({ source: _, ...rest }) => rest);
  const wantedStages = resultStages.filter((stage) => stages.includes(stage));
  if (wantedStages.length === 0) return sources;
  const results: ShareableKey[] = [];
  for await (const info of storage.list({ prefix: storageKeys.resultsPrefix(model), ...(signal && { signal }) })) {
    const name = info.key.slice(info.key.lastIndexOf('/') + 1);
    const parts = parseResultName(name);
    if (parts?.model !== model || storageKeys.result(parts) !== info.key) continue;
    if (!wantedStages.includes(parts.stage) || (ratings && !ratings.includes(parts.rating))) continue;
    results.push({ key: info.key, name, stage: parts.stage, rating: parts.rating });
  }
  results.sort((a, b) => compareResultNames(a.name, b.name));
  return [...sources, ...results];
}
