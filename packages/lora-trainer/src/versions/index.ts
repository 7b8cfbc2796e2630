export {
  type CompareLoraVersionsOptions,
  compareLoraVersions,
  type LoraVersionComparison,
} from './compare-lora-versions.js';
export { type ConfigDifference, diffConfigs } from './config-diff.js';
export { exportLoraVersion, type LoraExport, type LoraExportTarget } from './export-lora-version.js';
export { type ListCheckpointsOptions, type LoraCheckpoint, listCheckpoints } from './list-checkpoints.js';
export { finalPointerKey, type LoraVersionSummary, listLoraVersions, readLoraVersion } from './list-lora-versions.js';
export {
  type FinalLoraPointer,
  type LoraSample,
  type LoraVersionRecord,
  type LossPoint,
  loraVersionFiles,
} from './lora-version-record.js';
export { type LossSeries, renderLossChart } from './loss-chart.js';
export { type ModelIdentityCheck, modelIdentityCheck } from './model-identity-check.js';
export { parseTrainingMetrics } from './parse-training-metrics.js';
export { promoteLoraVersion } from './promote-lora-version.js';
export { type RecordLoraVersionOptions, recordLoraVersion } from './record-lora-version.js';
export { renderSampleGrid, type SampleGridColumn } from './sample-grid.js';
export { measureSampleIdentity, type SampleIdentityOptions, type SampleIdentityReport } from './sample-identity.js';
export {
  type IdentityCheckOptions,
  type LoraVersionDetails,
  readSamples,
  type ShowLoraVersionOptions,
  showLoraVersion,
} from './show-lora-version.js';
export {
  type PrepareTrainingRequestOptions,
  prepareTrainingRequest,
  type RecordTrainedVersionOptions,
  recordTrainedVersion,
  type SavedTrainingRequest,
  type TrainedVersion,
  trainingRequestKey,
} from './training-request.js';
