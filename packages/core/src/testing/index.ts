/**
 * `@model-studio/core/testing`: contract test suites for adapter authors, and deterministic in-memory mock adapters
 * (image processor, face checker, swapper, enhancer) over a tiny self-describing mock image format, for running the
 * pipeline in tests without sharp, tfjs or any HTTP service. The suites take `{ describe, it, expect, ... }` from your
 * test runner, so they run under vitest, jest or node:test alike.
 *
 * @packageDocumentation
 */

export * from './captioner-contract-tests.js';
export { createMockCaptioner, type MockCaptioner, type MockCaptionerOptions } from './create-mock-captioner.js';
export { createMockEnhancer, type MockEnhancer } from './create-mock-enhancer.js';
export {
  createMockFaceChecker,
  defaultMockQuality,
  type MockFaceChecker,
  type MockFaceCheckerOptions,
} from './create-mock-face-checker.js';
export { createMockImageProcessor, type MockImageProcessorOptions } from './create-mock-image-processor.js';
export {
  createMockProviderAccount,
  type MockFault,
  type MockFaultSpec,
  type MockOperation,
  type MockProviderAccount,
  type MockProviderAttempt,
  type MockProviderCharge,
  type MockProviderJob,
} from './create-mock-provider-account.js';
export { createMockSwapper, type MockPaidAdapter, type MockSwapper } from './create-mock-swapper.js';
export * from './face-checker-contract-tests.js';
export * from './image-scorer-contract-tests.js';
export { mockEmbedding, mockEmbeddingDimensions } from './mock-embedding.js';
export {
  type MockFace,
  type MockFaceInput,
  type MockImage,
  type MockImageInput,
  mockImage,
  mockImageContentType,
  mockImageMagic,
  readMockImage,
} from './mock-image.js';
export { type MockProviderOptions, mockPriceNote } from './mock-provider-options.js';
export * from './provider-contract-tests.js';
export * from './storage-contract-tests.js';
export * from './trainer-contract-tests.js';
