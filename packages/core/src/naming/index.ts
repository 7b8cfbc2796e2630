export { assertImageNumber, padTargetNumber } from './image-number.js';
export { assertModelName, isModelName, MODEL_NAME_MAX_LENGTH, parseModelName, suggestModelName } from './model-name.js';
export {
  type ModelStage,
  type ModelStageIdParts,
  modelStageId,
  modelStages,
  parseModelStageId,
} from './model-stage-id.js';
export {
  assertRating,
  assertVersionName,
  isRating,
  isVersionName,
  SAFE_RATING,
} from './rating-and-version.js';
export {
  assertResultNameParts,
  assertResultStage,
  compareResultNames,
  formatResultName,
  parseResultName,
  type ResultNameParts,
  type ResultStage,
  resultStages,
} from './result-name.js';
export { windowsDeviceNames } from './slug-rules.js';
export { formatSourceName, formatTargetName, parseSourceName, parseTargetName } from './source-and-target-names.js';
export { assertRelativeFilePath, modelRecordFiles, storageKeys } from './storage-keys.js';
export {
  assertUnitStage,
  parseStageId,
  parseUnitId,
  type StageIdParts,
  stageId,
  stageOfStageId,
  type UnitIdParts,
  type UnitStage,
  unitId,
  unitIdOfStage,
  unitStages,
} from './unit-id.js';
