/**
 * `@model-studio/quality`: face-quality checks on sharp + tfjs. File checks, face detection (blazeface), identity
 * embeddings (face-api), image quality figures, near-duplicates, the AI-generated XMP mark, and per-use rules,
 * running in worker threads. Importing it is cheap: sharp and tfjs load on the first check.
 *
 * @packageDocumentation
 */

export {
  type AnalyzeOptions,
  type BatchItem,
  type BatchOptions,
  type BatchResult,
  createQualityChecker,
  type ImageAnalysis,
  type QualityChecker,
} from './checker/quality-checker.js';
export { defaultIdentityThreshold, type QualityCheckerOptions } from './checker/quality-checker-options.js';
export type {
  RuleReason,
  RuleReasonCode,
  RuleResult,
  SourceRuleResult,
  SwapRuleResult,
} from './checker/rule-result.js';
export type { QualityBackend } from './engine/backend.js';
export { type DetectorSettings, defaultDetectorSettings } from './engine/blazeface-detector.js';
export { euclideanDistance } from './engine/face-embedder.js';
export { type AcceptedFormat, checkFile, type FileCheckOptions, type FileCheckResult } from './file/check-file.js';
export type { FileIssue, FileIssueCode } from './file/file-issue.js';
export { type SniffedFormat, sniffFormat } from './file/sniff-format.js';
export { createImageProcessor, type ImageProcessorOptions, readDigitalSourceType } from './image/image-processor.js';
export { buildXmpPacket, type XmpFields } from './image/xmp.js';
export {
  findNearDuplicates,
  hammingDistance,
  type NearDuplicateGroup,
  type NearDuplicateOptions,
  perceptualHash,
} from './metrics/perceptual-hash.js';
export {
  computeQualityMetrics,
  laplacianVariance,
  noiseSigma,
  type SuitabilityParts,
  suitabilityParts,
  suitabilityScore,
} from './metrics/quality-metrics.js';
export {
  createOfflineImageScorer,
  type OfflineImageScorerOptions,
  offlineQualityMetric,
} from './scoring/offline-image-scorer.js';
