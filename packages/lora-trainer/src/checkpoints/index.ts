export { chartSvgToPng, renderCheckpointChart, writeCheckpointCharts } from './checkpoint-chart.js';
export {
  type CheckpointCurve,
  type CheckpointPoint,
  type CheckpointSampleMeasure,
  checkpointCurveFile,
  checkpointCurveNote,
} from './checkpoint-curve.js';
export {
  type BestCheckpointChoice,
  type CheckpointFailure,
  type CheckpointVerdict,
  chooseBestCheckpoint,
  isCollapsed,
  judgeCheckpoint,
  lastCheckpointCollapsed,
  NoQualifyingCheckpointError,
} from './choose-best-checkpoint.js';
export { type ComputeCheckpointCurveOptions, computeCheckpointCurve } from './compute-checkpoint-curve.js';
export { type DecodedImage, decodeImage } from './decode-image.js';
export { differenceHash, type ImageStatistics, imageStatistics } from './image-statistics.js';
export { listVersionCheckpoints, type VersionCheckpoint } from './list-version-checkpoints.js';
export {
  type CheckpointFinalPointer,
  type PromoteCheckpointOptions,
  promoteBestCheckpoint,
  promoteCheckpoint,
} from './promote-checkpoint.js';
export { loadCheckpointCurve, readCheckpointCurve } from './read-checkpoint-curve.js';
