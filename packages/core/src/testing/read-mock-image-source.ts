import { ValidationError } from '../errors/index.js';
import type { ImageSource } from '../interfaces/face-detector.js';
import type { CallOptions } from '../interfaces/shared.js';
import type { Storage } from '../interfaces/storage.js';
import { type MockImage, requireMockImage } from './mock-image.js';

/** All bytes of a web stream. */
export async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The mock image an {@link ImageSource} holds: `{ bytes }` as is, `{ key }` read from `storage`. Rejects with the
 * signal's reason when it has fired, and with a `ValidationError` for bytes that are not a mock image or a key
 * without storage. `who` names the mock in messages.
 */
export async function readMockImageSource(
  source: ImageSource,
  storage: Storage | undefined,
  options: CallOptions | undefined,
  who: string,
): Promise<MockImage> {
  options?.signal?.throwIfAborted();
  if ('bytes' in source) return requireMockImage(source.bytes, who);
  if (!storage) {
    throw new ValidationError(
      `${who} cannot read image "${source.key}" by key: it has no storage. Pass \`storage\` when you create it, or pass { bytes }.`,
      { field: 'image.key', value: source.key },
    );
  }
  const bytes = await readStream(await storage.get(source.key, { signal: options?.signal }));
  options?.signal?.throwIfAborted();
  return requireMockImage(bytes, who);
}
