import type { Storage, StorageListOptions } from '../interfaces/storage.js';

/**
 * The keys under `options.prefix`, in `list` order: from {@link Storage.listKeys} when the storage has it (a local
 * disk then reads directory listings only, with no `stat` per file), else from {@link Storage.list}.
 *
 * @example
 * ```ts no-run
 * for await (const key of listStorageKeys(storage, { prefix: 'models/andie/targets/sfw/' })) console.log(key);
 * ```
 */
export async function* listStorageKeys(storage: Storage, options: StorageListOptions = {}): AsyncGenerator<string> {
  if (storage.listKeys) {
    yield* storage.listKeys(options);
    return;
  }
  for await (const object of storage.list(options)) yield object.key;
}
