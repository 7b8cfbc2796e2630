export {
  type MigrateModelConfigOptions,
  MODEL_CONFIG_VERSION,
  type ModelConfig,
  type ModelConfigV0,
  migrateModelConfig,
  modelConfigSchema,
  type RunConfig,
} from './model-config.js';
export type { ModelOverview } from './model-overview.js';
export { type ModelRegistry, type ModelSummary, modelRegistrySchema } from './model-registry.js';
export {
  type BestCheckpointThresholds,
  bestCheckpointThresholds,
  defaultBestCheckpointThresholds,
  defaultModelSettings,
  type ModelBudget,
  type ModelPrice,
  type ModelPriceTable,
  type ModelSettings,
  type ModelSettingsInput,
  type ModelThresholds,
  type ModelTrainingSettings,
  modelSettingsSchema,
} from './model-settings.js';
export { type OpenWorkspaceOptions, openWorkspace } from './open-workspace.js';
export {
  type DeleteModelOptions,
  type ModelConfigPatch,
  type RevokeConsentOptions,
  type RevokeConsentResult,
  Workspace,
  type WorkspaceInit,
} from './workspace.js';
