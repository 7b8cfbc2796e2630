import type { DetectedFace } from '../../interfaces/shared.js';
import type { ImportContext } from '../import-images.js';
import type { ImportInput, ImportOptions, ImportResult, ImportWarning } from '../studio-types.js';
import { type DuplicateCheck, type DuplicateMatch, storedName } from './duplicate-check.js';
import { importRefusal, normalizeRefusal } from './import-refusal.js';
import { type PhotoGroup, sha256Hex } from './photo-index.js';
import type { SourceIdentity } from './source-identity.js';

/** One import call's state: its context and options, the group's fingerprints, and the checks. */
export interface ImportRun {
  context: ImportContext;
  options: ImportOptions;
  group: PhotoGroup;
  duplicates: DuplicateCheck;
  /** Sources only: the identity check against the model's subject. */
  identity?: SourceIdentity;
}

/** Near-duplicates differ in at most this many of a perceptual hash's bits, unless the options say otherwise. */
const defaultNearDuplicateDistance = 10;

type Normalized = { bytes: Uint8Array; width: number; height: number };

/**
 * One file through every check, cheapest first: exact duplicate of the given bytes, normalise (format, animation,
 * damage, pixel and byte limits), exact duplicate of the normalised bytes, size, near-duplicate, faces and (sources)
 * identity. Only then is it stored and fingerprinted. Refusals are results; only aborts and storage failures throw.
 */
export async function importPhoto(run: ImportRun, input: ImportInput, number: number): Promise<ImportResult> {
  const { context, options, duplicates } = run;
  const signal = options.signal;
  const shas = [sha256Hex(input.bytes)];
  const early = duplicates.exact(shas);
  if (early) return duplicate(run, input, shas, early, {});
  const { thresholds } = context.config.settings;
  let normalized: Normalized;
  try {
    normalized = await context.imageProcessor.normalize(input.bytes, {
      maxBytes: thresholds.maxBytes,
      maxPixels: thresholds.maxPixels,
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    duplicates.rememberRefused(input.name, shas);
    return { name: input.name, accepted: false, reason: normalizeRefusal(error) };
  }
  const { width, height } = normalized;
  const size = { width, height };
  shas.push(sha256Hex(normalized.bytes));
  const same = duplicates.exact(shas);
  if (same) return duplicate(run, input, shas, same, size);
  if (Math.min(width, height) < thresholds.minShortSide) {
    duplicates.rememberRefused(input.name, shas);
    const message = `The photo is ${width}x${height} px; its short side must be at least ${thresholds.minShortSide} px. Use a larger photo.`;
    return { name: input.name, accepted: false, ...size, reason: importRefusal('too-small', message) };
  }
  const phash = await duplicates.hash(normalized.bytes, signal);
  const warnings: ImportWarning[] = [];
  if (phash !== undefined) {
    const near = await duplicates.near(phash, options.nearDuplicateDistance ?? defaultNearDuplicateDistance, signal);
    if (near && !options.allowNearDuplicates) return nearDuplicate(run, input, shas, near, size);
    if (near) {
      const message = `Almost the same photo as ${near.label}; imported because near-duplicates are allowed.`;
      warnings.push({ code: 'near-duplicate', message });
    }
  }
  return checkFacesAndStore(run, input, number, { ...normalized, shas, phash, warnings });
}

/** Faces (and, for sources, identity), then the photo is stored and added to the group's fingerprints. */
async function checkFacesAndStore(
  run: ImportRun,
  input: ImportInput,
  number: number,
  photo: Normalized & { shas: string[]; phash: string | undefined; warnings: ImportWarning[] },
): Promise<ImportResult> {
  const { context, options, duplicates, identity } = run;
  const signal = options.signal;
  const { width, height } = photo;
  // Sources need an identity embedding anyway: one detection gives the faces and their embeddings.
  const faces: (DetectedFace & { embedding?: Float32Array })[] = identity
    ? await context.faceChecker.embeddings({ bytes: photo.bytes }, { signal })
    : await context.faceChecker.faces({ bytes: photo.bytes }, { signal });
  const measured = { width, height, faces: faces.length };
  const problem = context.checkFaces(faces.length);
  if (problem) {
    duplicates.rememberRefused(input.name, photo.shas);
    return { name: input.name, accepted: false, ...measured, reason: importRefusal(problem.code, problem.message) };
  }
  const verdict = identity ? await identity.check(faces[0]?.embedding, signal) : undefined;
  if (verdict && !verdict.ok) {
    duplicates.rememberRefused(input.name, photo.shas);
    return { name: input.name, accepted: false, ...measured, reason: importRefusal(verdict.code, verdict.message) };
  }
  const key = context.keyOf(number);
  await context.storage.put(key, photo.bytes, { contentType: 'image/jpeg', signal });
  run.group.photos.push({
    key,
    sha256: photo.shas[1]!,
    originalSha256: photo.shas[0]!,
    ...(photo.phash !== undefined && { phash: photo.phash, phashBy: context.imageProcessor.provider }),
  });
  run.group.changed = true;
  if (verdict?.ok) identity?.add(storedName(key), verdict.embedding);
  const result: ImportResult = { name: input.name, accepted: true, key, number, ...measured };
  if (photo.warnings.length > 0) result.warnings = photo.warnings;
  return result;
}

function duplicate(
  run: ImportRun,
  input: ImportInput,
  shas: string[],
  match: DuplicateMatch,
  size: { width?: number; height?: number },
): ImportResult {
  run.duplicates.rememberRefused(input.name, shas);
  const where = match.stored ? 'which the model already has' : 'earlier in this import';
  const message = `The same photo as ${match.label}, ${where}: a copy adds nothing and would be paid for again.`;
  return {
    name: input.name,
    accepted: false,
    ...size,
    reason: importRefusal('duplicate', message),
    duplicateOf: match.label,
  };
}

function nearDuplicate(
  run: ImportRun,
  input: ImportInput,
  shas: string[],
  match: DuplicateMatch,
  size: { width: number; height: number },
): ImportResult {
  run.duplicates.rememberRefused(input.name, shas);
  const message =
    `Almost the same photo as ${match.label} (a resized or re-compressed copy, or a nearly identical shot): it adds ` +
    'little and would be paid for again. Allow near-duplicates to import it anyway.';
  return {
    name: input.name,
    accepted: false,
    ...size,
    reason: importRefusal('near-duplicate', message),
    duplicateOf: match.label,
  };
}
