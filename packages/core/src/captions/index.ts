export {
  type CaptionEntry,
  type CaptionImageRecord,
  type CaptionManifest,
  type CaptionOperation,
  type CaptionSource,
  type CaptionState,
  type CaptionVersion,
  captionEntryOf,
  emptyCaptionManifest,
  readCaptionManifest,
  type StoredImageScore,
} from './caption-manifest.js';
export { CaptionRecords, type CaptionUndoResult, type CaptionWrite } from './caption-records.js';
