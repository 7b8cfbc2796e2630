import {
  type CallOptions,
  type FaceSwapper,
  NotFoundError,
  ProviderError,
  type ProviderJob,
  type ProviderJobResult,
  type SwapRequest,
  type WaitOptions,
} from '@model-studio/core';
import { abortIfNeeded } from './abort-if-needed.js';
import { sniffImageType } from './image-limits.js';
import { maxStudioProvider } from './maxstudio-errors.js';
import { maxStudioPriceNote } from './maxstudio-price-note.js';
import {
  jobResult,
  type MaxStudioPrice,
  type ProviderContext,
  prepareWait,
  requiresPublicUrls,
  signedUrlFor,
} from './provider-support.js';

/** Checks that every key is stored (looked up together), naming the first missing one. */
async function requireKeys(context: ProviderContext, keys: string[], signal: AbortSignal | undefined): Promise<void> {
  const found = await Promise.all(keys.map((key) => context.storage.head(key, { signal })));
  const missing = keys.find((_, index) => found[index] === undefined);
  if (missing !== undefined) {
    throw new NotFoundError(`No stored image at "${missing}": import it before swapping.`, {
      kind: 'key',
      name: missing,
    });
  }
}

/**
 * Core's `FaceSwapper` on MaxStudio's `/swap-image`: detects the target's faces when no boxes are given, hands MaxStudio
 * fresh signed URLs, and downloads the result from the URL the finished job gives.
 */
export function createMaxStudioFaceSwapper(context: ProviderContext, price: MaxStudioPrice): FaceSwapper {
  return {
    specificationVersion: 'v1',
    provider: maxStudioProvider,
    /** True unless the client talks to a loopback sandbox or `allowLoopbackUrls` is set: MaxStudio downloads inputs by URL. */
    get requiresPublicUrls() {
      return requiresPublicUrls(context);
    },
    price,
    priceNote: maxStudioPriceNote,
    async submitSwap(request: SwapRequest, options: CallOptions = {}): Promise<ProviderJob> {
      const { signal } = options;
      abortIfNeeded(signal, 'swap submission');
      await requireKeys(context, [request.targetKey, request.sourceKey], signal);
      let boxes = request.faces;
      if (boxes === undefined) {
        const targetUrl = await signedUrlFor(context, request.targetKey, signal);
        boxes = await context.client.detectFaces(targetUrl, { signal });
      }
      if (boxes.length === 0) {
        throw new ProviderError(
          `No face found in the target "${request.targetKey}", so there is nothing to swap. Pick another target; retrying will not help.`,
          {
            provider: maxStudioProvider,
            reason: 'input',
            isRetryable: false,
          },
        );
      }
      abortIfNeeded(signal, 'swap submission');
      const mediaUrl = await signedUrlFor(context, request.targetKey, signal);
      const newFace = await signedUrlFor(context, request.sourceKey, signal);
      return context.client.submitSwap(
        { mediaUrl, faces: boxes.map((originalFace) => ({ originalFace, newFace })) },
        { signal },
      );
    },
    async waitForSwap(job: ProviderJob, options: WaitOptions = {}): Promise<ProviderJobResult> {
      const done = await context.client.waitForJob(
        { id: job.id, operation: 'swap' },
        prepareWait(job, 'swap', options),
      );
      const { bytes, contentType } = await context.client.downloadResult(done.result.mediaUrl, job, {
        signal: options.signal,
      });
      return jobResult(job, bytes, contentType?.startsWith('image/') ? contentType : sniffImageType(bytes), price);
    },
  };
}
