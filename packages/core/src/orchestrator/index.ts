export { captionSubject, defaultCaptionPrice } from './caption-stage.js';
export { createStudio } from './create-studio.js';
export { allStages, type PlanStageName } from './plan-stages.js';
export { defaultPriceNote } from './price-note.js';
export type { GateVerdict, PaidStage, StageContext, StageGate, StagePhoto, UnitWork } from './stage.js';
export type {
  CopyFailure,
  CostEstimate,
  ImportInput,
  ImportOptions,
  ImportRefusal,
  ImportRefusalCode,
  ImportResult,
  ImportWarning,
  ModelCosts,
  ModelStatus,
  Plan,
  PlannedUnit,
  PlanOptions,
  RunBudget,
  RunMoney,
  RunOptions,
  RunSummary,
  SharedLink,
  ShareOptions,
  ShareStage,
  StateCounts,
  Studio,
  StudioEvent,
  StudioLogger,
  StudioSettings,
  TargetProvenance,
  UnitFailure,
} from './studio-types.js';
export type { BuildModelDatasetOptions } from './verbs/build-dataset.js';
export type { CaptionOptions } from './verbs/caption-results.js';
export { DEFAULT_DOWNLOAD_EXPIRES_IN, type DownloadLinksOptions } from './verbs/download-links.js';
export { DEFAULT_SHARE_EXPIRES_IN } from './verbs/share-results.js';
export type { TrainEvent, TrainOptions, TrainSummary } from './verbs/train-types.js';
