export type {
  Captioner,
  CaptionRequest,
  CaptionResult,
  CaptionStyle,
  CaptionSubject,
  ImageFacts,
} from './captioner.js';
export type {
  DatasetBuildCandidate,
  DatasetBuilder,
  DatasetBuildRequest,
  DatasetBuildSummary,
} from './dataset-builder.js';
export type { EnhanceRequest, Enhancer } from './enhancer.js';
export type { FaceChecker, FaceWithEmbedding, QualityMetrics } from './face-checker.js';
export type { FaceDetector, ImageSource } from './face-detector.js';
export type { FaceSwapper, SwapRequest } from './face-swapper.js';
export type { ImageMetadata, ImageProcessor, NormalizeOptions } from './image-processor.js';
export { digitalSourceType } from './image-processor.js';
export type { ImageScore, ImageScorer, ScoreRequest } from './image-scorer.js';
export type { ProviderJob, ProviderJobResult, ProviderJobStatus, WaitOptions } from './provider-job.js';
export type {
  BinaryInput,
  BoundingBox,
  CallOptions,
  DetectedFace,
  ProgressCallback,
  ProviderOptions,
} from './shared.js';
export type { SignedUrlOptions, Storage, StorageListOptions, StorageObjectInfo, StoragePutOptions } from './storage.js';
export type {
  Trainer,
  TrainingArtifact,
  TrainingArtifactKind,
  TrainingCost,
  TrainingEvent,
  TrainingJob,
  TrainingLogLine,
  TrainingProgress,
  TrainingRequest,
  TrainingStatus,
  TrainingWaitOptions,
} from './trainer.js';
