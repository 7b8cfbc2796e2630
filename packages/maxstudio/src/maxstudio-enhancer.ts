import {
  type CallOptions,
  type EnhanceRequest,
  type Enhancer,
  ProviderError,
  type ProviderJob,
  type ProviderJobResult,
  type WaitOptions,
} from '@model-studio/core';
import { abortIfNeeded } from './abort-if-needed.js';
import { maxImageBytes, sniffImageType } from './image-limits.js';
import type { MaxStudioUpscale } from './maxstudio-client.js';
import { maxStudioProvider } from './maxstudio-errors.js';
import { maxStudioPriceNote } from './maxstudio-price-note.js';
import {
  jobResult,
  type MaxStudioPrice,
  type ProviderContext,
  prepareWait,
  readStorageBytes,
} from './provider-support.js';

/**
 * Core's `Enhancer` on MaxStudio's `/image-enhancer` (2x by default; `upscale` is sent with every enhance, and whether
 * the real API reads it is unconfirmed): reads the image from storage, refuses it over 5 MB before
 * sending, sends it as raw base64 and decodes the base64 result. Works with any storage (no URLs needed).
 */
export function createMaxStudioEnhancer(
  context: ProviderContext,
  price: MaxStudioPrice,
  upscale: MaxStudioUpscale = 2,
): Enhancer {
  return {
    specificationVersion: 'v1',
    provider: maxStudioProvider,
    price,
    priceNote: maxStudioPriceNote,
    async submitEnhance(request: EnhanceRequest, options: CallOptions = {}): Promise<ProviderJob> {
      abortIfNeeded(options.signal, 'enhance submission');
      const { bytes, tooLarge } =
        request.image === undefined
          ? await readStorageBytes(context.storage, request.imageKey, maxImageBytes, options.signal)
          : { bytes: request.image, tooLarge: request.image.byteLength > maxImageBytes };
      if (tooLarge) {
        throw new ProviderError(
          `"${request.imageKey}" is larger than 5 MB, MaxStudio's limit. Recompress or resize it before enhancing (nothing was sent).`,
          {
            provider: maxStudioProvider,
            reason: 'input',
            isRetryable: false,
          },
        );
      }
      abortIfNeeded(options.signal, 'enhance submission');
      return context.client.submitEnhance({ image: bytes, upscale }, { signal: options.signal });
    },
    async waitForEnhance(job: ProviderJob, options: WaitOptions = {}): Promise<ProviderJobResult> {
      const done = await context.client.waitForJob(
        { id: job.id, operation: 'enhance' },
        prepareWait(job, 'enhance', options),
      );
      const bytes = new Uint8Array(Buffer.from(done.result, 'base64'));
      if (bytes.byteLength === 0) {
        throw new ProviderError(
          `MaxStudio's enhance job ${job.id} completed with an empty result. Reattach later or report it.`,
          {
            provider: maxStudioProvider,
            reason: 'invalid-response',
            isRetryable: false,
            jobId: job.id,
          },
        );
      }
      return jobResult(job, bytes, sniffImageType(bytes), price);
    },
  };
}
