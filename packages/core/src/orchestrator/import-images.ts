import { assertConsent } from '../consent/index.js';
import { ConsentError } from '../errors/index.js';
import type { FaceChecker } from '../interfaces/face-checker.js';
import type { ImageProcessor } from '../interfaces/image-processor.js';
import type { Storage } from '../interfaces/storage.js';
import type { ModelConfig } from '../workspace/index.js';
import { DuplicateCheck } from './import/duplicate-check.js';
import { type ImportRun, importPhoto } from './import/import-photo.js';
import { loadPhotoGroup, savePhotoGroup } from './import/photo-index.js';
import { SourceIdentity } from './import/source-identity.js';
import type { ImportInput, ImportOptions, ImportResult } from './studio-types.js';

/** What an import needs: where to store, how to check, and which numbers to give. */
export interface ImportContext {
  storage: Storage;
  faceChecker: FaceChecker;
  imageProcessor: ImageProcessor;
  config: ModelConfig;
  /** The first free number; each accepted file takes the next. */
  firstNumber: number;
  /** The storage key of accepted file number `n`. */
  keyOf: (n: number) => string;
  /** Whether a face count is acceptable, and the refusal when not. */
  checkFaces: (faces: number) => { code: 'no-face' | 'multiple-faces'; message: string } | undefined;
  /** The photos already stored in the same group (sources, or the targets of one rating): duplicates are refused. */
  group: { prefix: string; keys: readonly string[] };
  /** Sources: every new photo must show the model's subject (the same person as its stored sources). */
  sameSubject?: boolean;
}

/**
 * Imports photos, each checked before anything can be paid for it: normalised (EXIF orientation applied, JPEG, scaled
 * to the model's pixel and byte limits), refused when it is not a still image, too small, a duplicate or near-duplicate
 * of a photo of the group, shows the wrong number of faces or (sources) another person; the accepted ones are stored
 * under consecutive numbers and fingerprinted in the model's photo index. A refused file is reported, never thrown.
 */
export async function importImages(
  context: ImportContext,
  inputs: ImportInput[],
  options: ImportOptions = {},
): Promise<ImportResult[]> {
  const { storage, config } = context;
  const group = await loadPhotoGroup(storage, config.name, context.group, options.signal);
  const run: ImportRun = {
    context,
    options,
    group,
    duplicates: new DuplicateCheck(group, storage, context.imageProcessor),
  };
  if (context.sameSubject) {
    run.identity = new SourceIdentity({
      faceChecker: context.faceChecker,
      storage,
      storedKeys: context.group.keys,
      threshold: config.settings.thresholds.identityThreshold,
      ...(config.consent?.subject !== undefined && { subject: config.consent.subject }),
    });
  }
  const results: ImportResult[] = [];
  let next = context.firstNumber;
  let finished = false;
  try {
    for (const [index, input] of inputs.entries()) {
      options.signal?.throwIfAborted();
      const result = await importPhoto(run, input, next);
      if (result.accepted) next += 1;
      results.push(result);
      options.onProgress?.({ done: index + 1, total: inputs.length, name: input.name });
    }
    finished = true;
  } finally {
    if (group.changed) {
      const saving = savePhotoGroup(storage, config.name, group);
      // After an abort or error the index is saved on a best-effort basis: it is rebuilt from the stored photos.
      await (finished ? saving : saving.catch(() => undefined));
    }
  }
  return results;
}

/** Sources need a consent record that allows swapping for at least one rating. */
export function assertSourceConsent(config: ModelConfig): void {
  const rating = config.consent?.allowedRatings[0];
  if (rating === undefined) {
    throw new ConsentError(
      `Model "${config.name}" has no consent record: record the subject's documented consent before importing photos of them (workspace.setConsent).`,
      { model: config.name, missing: ['no consent record'], hint: { action: 'set-consent', model: config.name } },
    );
  }
  assertConsent(config, { rating, use: 'swap' });
}
