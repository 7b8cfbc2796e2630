import type { CallOptions, Captioner, CaptionRequest, CaptionResult, ImageFacts } from '@model-studio/core';
import { lightingFromFacts, orientationFromFacts, peopleFromFacts, shotFromFacts } from '../caption/describe-facts.js';
import { throwIfAborted } from '../http/with-retries.js';
import { sniffImage } from '../image/sniff-image.js';
import { finishCaption } from './finish-caption.js';

/** The model name the offline captioner reports. */
export const offlineCaptionerModel = 'offline-attributes';

/**
 * The description the offline captioner writes from facts alone: shot type (from the face box), number of people,
 * orientation, lighting (from exposure statistics) and rating, as comma tags. Nothing else is claimed.
 */
export function describeFacts(facts: ImageFacts): string {
  const parts = [
    shotFromFacts(facts),
    peopleFromFacts(facts),
    orientationFromFacts(facts),
    lightingFromFacts(facts),
    facts.rating && facts.rating !== 'sfw' ? facts.rating : undefined,
  ];
  return parts.filter((part): part is string => Boolean(part)).join(', ');
}

/**
 * The free, offline {@link Captioner} (the default with no provider, and the demo's): it describes an image only from
 * what the pipeline already knows (`request.facts`: face boxes, size, exposure, rating), honestly limited to shot type,
 * people count, orientation and lighting. It reads only the image header (to refuse a non-image and to get the size
 * when no facts are given) and never decodes pixels.
 *
 * @example
 * ```ts
 * import { createOfflineCaptioner } from '@model-studio/captioning';
 * import { readFileSync } from 'node:fs';
 *
 * const captioner = createOfflineCaptioner();
 * const result = await captioner.caption({
 *   image: readFileSync('test/fixtures/grace_hopper.jpg'),
 *   facts: { width: 512, height: 600, faces: [{ x: 150, y: 90, width: 190, height: 240 }], exposureMean: 0.42 },
 *   subject: { trigger: 'grace', classWord: 'woman', style: 'tags' },
 * });
 * console.log(result.text); // a photo of grace, woman, close-up, solo, vertical, even lighting
 * ```
 */
export function createOfflineCaptioner(): Captioner {
  return {
    specificationVersion: 'v1',
    provider: 'offline',
    paid: false,
    async caption(request: CaptionRequest, options: CallOptions = {}): Promise<CaptionResult> {
      throwIfAborted(options.signal);
      const header = sniffImage(request.image);
      const facts: ImageFacts = request.facts ?? { width: header.width, height: header.height };
      let description = describeFacts(facts);
      if (request.subject) {
        // The shot is the template's {shot}: keep it out of the description.
        const shot = shotFromFacts(facts);
        if (shot) description = description.replace(new RegExp(`^${shot}(, )?`), '');
      }
      const raw = description === '' ? 'photo' : description;
      return finishCaption('offline', raw, request, {
        model: offlineCaptionerModel,
        usage: { units: 1, unit: 'image' },
      });
    },
  };
}
