import { assertConsent } from '../consent/index.js';
import { ConsentError, ModelStudioError } from '../errors/index.js';
import type { FaceChecker } from '../interfaces/face-checker.js';
import type { ImageProcessor } from '../interfaces/image-processor.js';
import type { Storage } from '../interfaces/storage.js';
import type { ModelConfig } from '../workspace/index.js';
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
  checkFaces: (faces: number) => { code: string; message: string } | undefined;
}

/**
 * Normalises each input to JPEG (EXIF orientation applied, fitted under the model's byte limit), checks its short side
 * and face count, and stores the accepted ones under consecutive numbers. A refused file is reported, never thrown.
 */
export async function importImages(
  context: ImportContext,
  inputs: ImportInput[],
  options: ImportOptions = {},
): Promise<ImportResult[]> {
  const { thresholds } = context.config.settings;
  const results: ImportResult[] = [];
  let next = context.firstNumber;
  for (const [index, input] of inputs.entries()) {
    options.signal?.throwIfAborted();
    const result = await importOne(context, input, next, thresholds, options.signal);
    if (result.accepted) next += 1;
    results.push(result);
    options.onProgress?.({ done: index + 1, total: inputs.length, name: input.name });
  }
  return results;
}

async function importOne(
  context: ImportContext,
  input: ImportInput,
  number: number,
  thresholds: ModelConfig['settings']['thresholds'],
  signal: AbortSignal | undefined,
): Promise<ImportResult> {
  let normalized: { bytes: Uint8Array; width: number; height: number };
  try {
    normalized = await context.imageProcessor.normalize(input.bytes, { maxBytes: thresholds.maxBytes, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    const code = ModelStudioError.isInstance(error) ? error.code : 'unreadable';
    return refuse(input, code, `${input.name} could not be read as an image: ${(error as Error).message}`);
  }
  const { width, height } = normalized;
  if (Math.min(width, height) < thresholds.minShortSide) {
    return refuse(
      input,
      'too-small',
      `${input.name} is ${width}x${height} px; its short side must be at least ${thresholds.minShortSide} px.`,
      { width, height },
    );
  }
  const faces = (await context.faceChecker.faces({ bytes: normalized.bytes }, { signal })).length;
  const problem = context.checkFaces(faces);
  if (problem) return { name: input.name, accepted: false, faces, width, height, reason: problem };
  const key = context.keyOf(number);
  await context.storage.put(key, normalized.bytes, { contentType: 'image/jpeg', signal });
  return { name: input.name, accepted: true, key, number, faces, width, height };
}

function refuse(input: ImportInput, code: string, message: string, size: { width?: number; height?: number } = {}) {
  return { name: input.name, accepted: false, ...size, reason: { code, message } };
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
