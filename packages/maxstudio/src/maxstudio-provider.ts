import type { Enhancer, FaceDetector, FaceSwapper, Storage } from '@model-studio/core';
import { type MaxStudioClient, type MaxStudioUpscale, maxstudio } from './maxstudio-client.js';
import { createMaxStudioEnhancer } from './maxstudio-enhancer.js';
import { createMaxStudioFaceDetector } from './maxstudio-face-detector.js';
import { createMaxStudioFaceSwapper } from './maxstudio-face-swapper.js';
import { defaultMaxStudioPrices, type MaxStudioPrices } from './provider-support.js';

/** Options of {@link createMaxStudioProvider}. */
export interface MaxStudioProviderOptions {
  /** Where input images live (storage keys in, signed URLs out). */
  storage: Storage;
  /** The client to call. @default the default `maxstudio` client */
  client?: MaxStudioClient;
  /** Units charged per operation, reported on each result. @default { swap: 10 credits, enhance: 2 credits } */
  prices?: MaxStudioPrices;
  /**
   * Hand MaxStudio URLs that only this machine can reach. Always true when the client's baseURL is a loopback sandbox
   * (127.0.0.1, localhost, ::1); otherwise storages with `publicUrls: false` are refused before anything is sent.
   * @default false
   */
  allowLoopbackUrls?: boolean;
  /** Lifetime of each signed URL, in seconds (one fresh URL per submission). @default 3600 */
  signedUrlExpiresIn?: number;
  /**
   * The enhancer's scale factor, sent as `upscale` with every enhance. Whether the real API reads it is unconfirmed
   * (it may always enhance 2x); the sandbox honours it. The `enhance` price is the same for both.
   * @default 2
   */
  enhanceUpscale?: MaxStudioUpscale;
}

/** The three adapters over one client and storage. */
export interface MaxStudioProvider {
  detector: FaceDetector;
  swapper: FaceSwapper;
  enhancer: Enhancer;
}

/**
 * Core's FaceDetector, FaceSwapper and Enhancer on MaxStudio. They take storage keys, return bytes plus job id and
 * units charged, and never write the journal or ledger (the orchestrator does).
 *
 * @example
 * ```ts no-run
 * const { detector, swapper, enhancer } = createMaxStudioProvider({ storage: s3 });
 * const job = await swapper.submitSwap({ targetKey: 'models/a/targets/sfw/a-t001.jpg', sourceKey: 'models/a/source/a-source-1.jpg' });
 * const result = await swapper.waitForSwap(job); // result.bytes, result.units
 * ```
 */
export function createMaxStudioProvider(options: MaxStudioProviderOptions): MaxStudioProvider {
  const client = options.client ?? maxstudio;
  const context = {
    client,
    storage: options.storage,
    expiresIn: options.signedUrlExpiresIn ?? 3600,
    allowLoopbackUrls: options.allowLoopbackUrls ?? false,
  };
  const prices = { ...defaultMaxStudioPrices, ...options.prices };
  return {
    detector: createMaxStudioFaceDetector(context),
    swapper: createMaxStudioFaceSwapper(context, prices.swap),
    enhancer: createMaxStudioEnhancer(context, prices.enhance, options.enhanceUpscale),
  };
}
