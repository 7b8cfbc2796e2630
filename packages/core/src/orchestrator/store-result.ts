import { digitalSourceType } from '../interfaces/image-processor.js';
import type { Storage } from '../interfaces/storage.js';
import type { RunConfig } from '../workspace/index.js';
import { requireAdapter } from './require-adapter.js';
import type { StudioSettings } from './studio-types.js';

/**
 * Marks a provider's output as AI-generated (the IPTC Digital Source Type in its XMP) and stores it, under the model's
 * byte limit so a swap can always be sent on to the enhancer. Returns the bytes stored.
 */
export async function storeResult(
  context: { settings: StudioSettings; config: RunConfig; storage: Storage; signal: AbortSignal },
  key: string,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const imageProcessor = requireAdapter(context.settings, 'imageProcessor', 'mark results as AI-generated');
  const { maxBytes } = context.config.settings.thresholds;
  const mark = (image: Uint8Array) =>
    imageProcessor.writeMetadata(image, { digitalSourceType: digitalSourceType.composite }, { signal: context.signal });
  let marked = await mark(bytes);
  if (marked.byteLength > maxBytes) {
    marked = await mark((await imageProcessor.normalize(marked, { maxBytes, signal: context.signal })).bytes);
  }
  await context.storage.put(key, marked, { contentType: 'image/jpeg', signal: context.signal });
  return marked;
}
