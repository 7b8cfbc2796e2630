export { aspectBucket, type BucketSettings, checkBuckets } from './bucket-check.js';
export { checkBackends, checkImagesAndCaptions } from './dataset-checks.js';
export { estimateCaptionTokens } from './estimate-caption-tokens.js';
export { type GpuRequirements, gpuRequirements } from './gpu-requirements.js';
export type { GpuOffer, PreflightCheck, PreflightFinding, PreflightImage } from './preflight-finding.js';
export { preflightImagesFromManifest } from './preflight-images-from-manifest.js';
export { checkBudget, checkGpu, checkLoraSize, defaultSecondsPerStep, expectedLoraBytes } from './resource-checks.js';
export { aiToolkitLoraLayers, expectedAiToolkitLoraBytes, runAiToolkitPreflight } from './run-ai-toolkit-preflight.js';
export { assertPreflightPassed, type PreflightInput, type PreflightReport, runPreflight } from './run-preflight.js';
