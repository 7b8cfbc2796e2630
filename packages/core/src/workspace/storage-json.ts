import { NotFoundError, ValidationError } from '../errors/index.js';
import type { CallOptions } from '../interfaces/shared.js';
import type { Storage } from '../interfaces/storage.js';

/** Where `key` lives, for messages: the local file path when the storage has one, else `<provider> storage`. */
export function describeKey(storage: Storage, key: string): string {
  const local = storage as Storage & { pathOf?: (key: string) => string };
  if (typeof local.pathOf === 'function') {
    try {
      return `${key} (${local.pathOf(key)})`;
    } catch {
      // fall through to the generic description
    }
  }
  return `${key} in ${storage.provider} storage`;
}

/** Reads and parses a JSON object, or `undefined` when the key is missing. Bad JSON is a `ValidationError`. */
export async function readJson(storage: Storage, key: string, options: CallOptions = {}): Promise<unknown> {
  let text: string;
  try {
    text = await new Response(await storage.get(key, options)).text();
  } catch (error) {
    if (NotFoundError.isInstance(error)) return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      `${describeKey(storage, key)} is not valid JSON (${(error as Error).message}). ` +
        'Fix the file by hand or restore it from a backup, then retry.',
      { field: '(file)', cause: error },
    );
  }
}

/** Writes `value` as pretty-printed JSON through `storage.put` (atomic for LocalStorage). */
export async function writeJson(
  storage: Storage,
  key: string,
  value: unknown,
  options: CallOptions = {},
): Promise<void> {
  const bytes = new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  await storage.put(key, bytes, { ...options, contentType: 'application/json' });
}
