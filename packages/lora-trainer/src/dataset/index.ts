export {
  type BuildDatasetOptions,
  buildDataset,
  type DatasetBuildProgress,
  type DatasetBuildResult,
  type DatasetLayout,
} from './build-dataset.js';
export { captionFileName, captionLine } from './caption-line.js';
export { clearIncompleteVersion } from './clear-incomplete-version.js';
export { createDatasetBuilder, type DatasetBuilderOptions } from './create-dataset-builder.js';
export {
  type DatasetArchiveInfo,
  type DatasetArchiveWriter,
  datasetArchiveKey,
  datasetArchiveName,
  openDatasetArchive,
} from './dataset-archive.js';
export type {
  DatasetCandidate,
  DatasetCaptionState,
  SelectionDecision,
  SelectionReason,
} from './dataset-candidate.js';
export type { DatasetManifest, DatasetManifestFile, DatasetManifestRejection } from './dataset-manifest.js';
export { hammingDistance } from './hamming-distance.js';
export { type KohyaDatasetTomlOptions, kohyaDatasetToml, kohyaFolderName } from './kohya-dataset-toml.js';
export { type SelectDatasetImagesOptions, selectDatasetImages } from './select-dataset-images.js';
