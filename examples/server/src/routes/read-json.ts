import type { Storage } from '@model-studio/core';

/** A JSON object of the storage, or `undefined` when the key does not exist. */
export async function readStoredJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  if (!(await storage.head(key))) return undefined;
  return JSON.parse(await new Response(await storage.get(key)).text()) as T;
}
