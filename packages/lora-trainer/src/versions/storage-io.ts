import { type CallOptions, NotFoundError, type Storage, ValidationError } from '@model-studio/core';

/** Reads a whole object. */
export async function readBytes(storage: Storage, key: string, options: CallOptions = {}): Promise<Uint8Array> {
  const stream = await storage.get(key, options);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads and parses a JSON object; `undefined` when missing. */
export async function readJsonIfExists<T>(
  storage: Storage,
  key: string,
  options: CallOptions = {},
): Promise<T | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(storage, key, options);
  } catch (error) {
    if (NotFoundError.isInstance(error)) return undefined;
    throw error;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (cause) {
    throw new ValidationError(`${key} is not valid JSON: restore it or record the version again.`, {
      cause,
      field: key,
    });
  }
}

/** Writes pretty JSON. */
export async function writeJson(
  storage: Storage,
  key: string,
  value: unknown,
  options: CallOptions = {},
): Promise<void> {
  const bytes = new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  await storage.put(key, bytes, { ...options, contentType: 'application/json' });
}
