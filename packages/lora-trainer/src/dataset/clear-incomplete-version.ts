import type { CallOptions, Storage } from '@model-studio/core';

/**
 * Deletes what an interrupted earlier build left under a version prefix (a version without its final file), so that
 * no stale image or sample of that attempt ends up in the new one. Returns the number of keys removed.
 */
export async function clearIncompleteVersion(
  storage: Storage,
  prefix: string,
  options: CallOptions = {},
): Promise<number> {
  const keys: string[] = [];
  for await (const info of storage.list({ prefix, signal: options.signal })) keys.push(info.key);
  for (let start = 0; start < keys.length; start += 500) {
    await storage.delete(keys.slice(start, start + 500), options);
  }
  return keys.length;
}
