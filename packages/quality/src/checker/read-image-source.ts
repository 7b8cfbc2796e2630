import { type CallOptions, type ImageSource, type Storage, ValidationError } from '@model-studio/core';

/** The bytes of an image source; `{ key }` sources are read from `storage`. */
export async function readImageSource(
  source: ImageSource,
  storage: Storage | undefined,
  options?: CallOptions,
): Promise<Uint8Array> {
  if ('bytes' in source) {
    if (!(source.bytes instanceof Uint8Array)) {
      throw new ValidationError('The image source `bytes` must be a Uint8Array.', { field: 'image.bytes' });
    }
    return source.bytes;
  }
  if (!storage) {
    throw new ValidationError(
      `Cannot read image "${source.key}" by key: this quality checker has no storage. Pass \`storage\` to createQualityChecker, or pass { bytes }.`,
      { field: 'image.key', value: source.key },
    );
  }
  const stream = await storage.get(source.key, options);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
