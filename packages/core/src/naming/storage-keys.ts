import { assertStorageKey } from '../storage/storage-key.js';
import { assertImageNumber } from './image-number.js';
import { assertModelName } from './model-name.js';
import { assertRating, assertVersionName } from './rating-and-version.js';
import { assertResultStage, type ResultNameParts, type ResultStage, resultBaseName } from './result-name.js';
import { formatSourceName, formatTargetName } from './source-and-target-names.js';

/**
 * Checks a file path inside a dataset or LoRA version folder, such as `manifest.json` or `10_ohwx person/a.jpg`,
 * by the storage key rules (`assertStorageKey`): `/`-separated, relative, no empty, `.`, `..` or hidden segments,
 * no `\`, NUL, Windows-reserved characters or device names. Throws a `ValidationError`.
 */
export function assertRelativeFilePath(file: unknown): asserts file is string {
  assertStorageKey(file, 'file');
}

function modelPrefix(model: string): string {
  assertModelName(model);
  return `models/${model}/`;
}

function resultFolder(parts: { model: string; rating: string; source: number; stage: ResultStage }): string {
  assertRating(parts.rating);
  assertImageNumber(parts.source, 'source');
  assertResultStage(parts.stage);
  return `${modelPrefix(parts.model)}results/${parts.rating}/source_${parts.source}/${parts.stage}/`;
}

/** `models/<model>/<kind>/<version>/` plus `file` when given, every part checked. */
function versionKey(model: string, kind: 'datasets' | 'loras', version: string, file?: string): string {
  assertVersionName(version);
  if (file !== undefined) assertRelativeFilePath(file);
  return `${modelPrefix(model)}${kind}/${version}/${file ?? ''}`;
}

/**
 * The file names of a model's records, in its folder: the progress journal, the cost ledger and the run lock. They live
 * in the workspace's local folder (`Workspace.localModelDir`) even when photos and results are in S3.
 */
export const modelRecordFiles = {
  journal: 'progress.jsonl',
  ledger: 'costs.jsonl',
  runLock: 'run.lock',
} as const;

/**
 * Storage keys for every file of the workspace layout (the same tree for LocalStorage and S3). Every builder checks
 * its parts and throws a `ValidationError` for a part that breaks its rule, so no key built here leaves the
 * workspace. Prefixes end with `/` so `models/andie/` never matches `models/andie-2/`.
 *
 * ```
 * models.json
 * models/<model>/config.json
 * models/<model>/source/<model>-source-<n>.jpg
 * models/<model>/targets/<rating>/<model>-t<ttt>.jpg
 * models/<model>/results/<rating>/source_<n>/swapped/<model>-s<n>-t<ttt>-<rating>-swapped.jpg
 * models/<model>/results/<rating>/source_<n>/enhanced/<model>-s<n>-t<ttt>-<rating>-enhanced.jpg (+ .txt caption)
 * models/<model>/datasets/<version>/...
 * models/<model>/loras/<version>/...
 * models/<model>/progress.jsonl
 * models/<model>/costs.jsonl
 * models/<model>/photo-index.json
 * models/<model>/captions.json
 * ```
 *
 * @example
 * ```ts
 * storageKeys.result({ model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' });
 * // 'models/andie/results/sfw/source_2/enhanced/andie-s2-t003-sfw-enhanced.jpg'
 * ```
 */
export const storageKeys = Object.freeze({
  /** The model registry: `models.json`. */
  registry: (): string => 'models.json',
  /** Everything of one model: `models/<model>/`. */
  modelPrefix,
  /** The model's settings and consent record: `models/<model>/config.json`. */
  config: (model: string): string => `${modelPrefix(model)}config.json`,
  /** Folder of source photos: `models/<model>/source/`. */
  sourcePrefix: (model: string): string => `${modelPrefix(model)}source/`,
  /** One source photo: `models/<model>/source/<model>-source-<n>.jpg`. */
  source: (model: string, source: number): string => `${modelPrefix(model)}source/${formatSourceName(model, source)}`,
  /** Folder of target photos of one rating: `models/<model>/targets/<rating>/`. */
  targetPrefix: (model: string, rating: string): string => {
    assertRating(rating);
    return `${modelPrefix(model)}targets/${rating}/`;
  },
  /** One target photo: `models/<model>/targets/<rating>/<model>-t<ttt>.jpg`. */
  target: (model: string, rating: string, target: number): string =>
    `${storageKeys.targetPrefix(model, rating)}${formatTargetName(model, target)}`,
  /** All results of a model: `models/<model>/results/`. */
  resultsPrefix: (model: string): string => `${modelPrefix(model)}results/`,
  /** Results of one rating, source and stage: `models/<model>/results/<rating>/source_<n>/<stage>/`. */
  resultPrefix: resultFolder,
  /** One result image: `models/<model>/results/<rating>/source_<n>/<stage>/<model>-s<n>-t<ttt>-<rating>-<stage>.jpg`. */
  result: (parts: ResultNameParts): string => `${resultFolder(parts)}${resultBaseName(parts)}.jpg`,
  /** The caption beside an enhanced result: `.../enhanced/<model>-s<n>-t<ttt>-<rating>-enhanced.txt`. */
  caption: (parts: Omit<ResultNameParts, 'stage'>): string => {
    const enhanced: ResultNameParts = { ...parts, stage: 'enhanced' };
    return `${resultFolder(enhanced)}${resultBaseName(enhanced)}.txt`;
  },
  /** All dataset versions: `models/<model>/datasets/`. */
  datasetsPrefix: (model: string): string => `${modelPrefix(model)}datasets/`,
  /** One dataset version: `models/<model>/datasets/<version>/`. */
  datasetPrefix: (model: string, version: string): string => versionKey(model, 'datasets', version),
  /** A file inside a dataset version, e.g. `manifest.json`: `models/<model>/datasets/<version>/<file>`. */
  dataset: (model: string, version: string, file: string): string => versionKey(model, 'datasets', version, file),
  /** All LoRA versions: `models/<model>/loras/`. */
  lorasPrefix: (model: string): string => `${modelPrefix(model)}loras/`,
  /** One LoRA version: `models/<model>/loras/<version>/`. */
  loraPrefix: (model: string, version: string): string => versionKey(model, 'loras', version),
  /** A file inside a LoRA version, e.g. `lora.safetensors`: `models/<model>/loras/<version>/<file>`. */
  lora: (model: string, version: string, file: string): string => versionKey(model, 'loras', version, file),
  /** The append-only progress journal: `models/<model>/progress.jsonl`. */
  progress: (model: string): string => `${modelPrefix(model)}${modelRecordFiles.journal}`,
  /** The append-only cost ledger: `models/<model>/costs.jsonl`. */
  costs: (model: string): string => `${modelPrefix(model)}${modelRecordFiles.ledger}`,
  /**
   * Fingerprints of the model's imported photos (sha256, perceptual hash), for finding duplicates at import:
   * `models/<model>/photo-index.json`. Rebuilt from the stored photos when missing.
   */
  photoIndex: (model: string): string => `${modelPrefix(model)}photo-index.json`,
  /**
   * The caption manifest: for each enhanced result, its caption's text, source, review state and earlier texts, and
   * its training score: `models/<model>/captions.json`.
   */
  captionManifest: (model: string): string => `${modelPrefix(model)}captions.json`,
});
