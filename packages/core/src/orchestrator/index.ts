export { createStudio, priceTableNote } from './create-studio.js';
export { ModelBusyError } from './model-run-lock.js';
export type {
  CopyFailure,
  CostEstimate,
  ImportInput,
  ImportOptions,
  ImportResult,
  ModelStatus,
  Plan,
  PlannedUnit,
  PlanOptions,
  RunBudget,
  RunOptions,
  RunSummary,
  Studio,
  StudioEvent,
  StudioLogger,
  StudioSettings,
  TargetProvenance,
  UnitFailure,
  UnitStage,
} from './studio-types.js';
