export { createStudio } from './create-studio.js';
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
export { DEFAULT_SHARE_EXPIRES_IN } from './verbs/share-results.js';
