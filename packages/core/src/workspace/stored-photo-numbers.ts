import type { Storage } from '../interfaces/storage.js';
import { parseSourceName, parseTargetName, storageKeys } from '../naming/index.js';
import { listStorageKeys } from '../storage/list-storage-keys.js';

/**
 * @internal The numbers of a model's stored source photos (`<model>-source-<n>.jpg`), or, with `rating`, of its
 * targets of that rating (`<model>-t<ttt>.jpg`), ascending, from one listing of their folder (names that do not follow
 * the rules are left out).
 */
export async function storedPhotoNumbers(
  storage: Storage,
  model: string,
  rating: string | undefined,
  options: { signal?: AbortSignal } = {},
): Promise<number[]> {
  const prefix = rating === undefined ? storageKeys.sourcePrefix(model) : storageKeys.targetPrefix(model, rating);
  const numbers: number[] = [];
  for await (const key of listStorageKeys(storage, { prefix, signal: options.signal })) {
    const name = key.slice(prefix.length);
    if (rating === undefined) {
      const parsed = parseSourceName(name);
      if (parsed?.model === model) numbers.push(parsed.source);
    } else {
      const parsed = parseTargetName(name);
      if (parsed?.model === model) numbers.push(parsed.target);
    }
  }
  return numbers.sort((a, b) => a - b);
}
