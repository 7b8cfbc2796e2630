export { createStudio } from './create-studio.js';
export { defaultPriceNote } from './price-note.js';
export type { GateVerdict, PaidStage, StageContext, StageGate, StagePhoto, UnitWork } from './stage.js';
export type {
  CopyFailure,
  CostEstimate,
  ImportInput,
  ImportOptions,
  ImportResult,
  ModelCosts,
  ModelStatus,
  Plan,
  PlannedUnit,
  PlanOptions,
  RunBudget,
  RunMoney,
  RunOptions,
  RunSummary,
  StateCounts,
  Studio,
  StudioEvent,
  StudioLogger,
  StudioSettings,
  TargetProvenance,
  UnitFailure,
  UnitStage,
} from './studio-types.js';
