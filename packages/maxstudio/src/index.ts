/**
 * `@model-studio/maxstudio`: a typed MaxStudio API client, core's FaceDetector/FaceSwapper/Enhancer adapters on it,
 * and (under `@model-studio/maxstudio/testing`) a sandbox emulator.
 *
 * @packageDocumentation
 */

export { maxImageBytes } from './image-limits.js';
export {
  createMaxStudio,
  type MaxStudioClient,
  type MaxStudioEnhanceJobState,
  type MaxStudioEnhanceRequest,
  type MaxStudioJob,
  type MaxStudioMalformedBody,
  type MaxStudioOperation,
  type MaxStudioRequestOptions,
  type MaxStudioSwapFace,
  type MaxStudioSwapJobState,
  type MaxStudioSwapRequest,
  type MaxStudioUpscale,
  type MaxStudioWaitOptions,
  maxstudio,
} from './maxstudio-client.js';
export { maxStudioProvider } from './maxstudio-errors.js';
export { maxStudioPriceNote } from './maxstudio-price-note.js';
export {
  createMaxStudioProvider,
  type MaxStudioProvider,
  type MaxStudioProviderOptions,
} from './maxstudio-provider.js';
export { defaultMaxStudioBaseURL, type MaxStudioRetrySettings, type MaxStudioSettings } from './maxstudio-settings.js';
export type {
  MaxStudioVideoMethods,
  MaxStudioVideoSwapFace,
  MaxStudioVideoSwapJobState,
  MaxStudioVideoSwapRequest,
} from './maxstudio-video.js';
export {
  defaultMaxStudioPrices,
  isLoopbackURL,
  type MaxStudioPrice,
  type MaxStudioPrices,
} from './provider-support.js';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export type {
  MaxStudioFace,
  MaxStudioJobState,
  MaxStudioVideoFaces,
  MaxStudioVideoSwapResult,
} from './response-schemas.js';
export { parseRetryAfter } from './retry-after.js';
export { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
