import { assertConsent } from '../consent/index.js';
import { ModelStudioError, ProviderError } from '../errors/index.js';
import { digitalSourceType } from '../interfaces/image-processor.js';
import type { ProviderJobResult } from '../interfaces/provider-job.js';
import type { BoundingBox } from '../interfaces/shared.js';
import type { Storage } from '../interfaces/storage.js';
import { formatResultName, unitId as stageIdOf } from '../naming/index.js';
import type { ModelConfig } from '../workspace/index.js';
import { imageDimensions } from './image-dimensions.js';
import { runPaidCall, UncertainSubmission } from './paid-call.js';
import { readAll } from './read-all.js';
import type { RunRecorder } from './run-recorder.js';
import type { CopyFailure, PlannedUnit, StudioEvent, StudioSettings, UnitFailure } from './studio-types.js';

/** Everything one unit needs. */
export interface UnitContext {
  settings: StudioSettings;
  storage: Storage;
  config: ModelConfig;
  recorder: RunRecorder;
  signal: AbortSignal;
  resubmitUncertain: boolean;
  emit: (event: StudioEvent) => void;
  /** The model's config as stored now: re-read before every paid call, so a revocation anywhere stops the run. */
  currentConfig: () => Promise<ModelConfig>;
  /** The identity embedding of source `n` (computed once per run). */
  sourceEmbedding: (source: number) => Promise<Float32Array>;
}

/** How a unit ended. Run-stopping errors (budget, credits, abort, consent) are thrown instead. */
export type UnitOutcome =
  | { kind: 'succeeded'; outputKey: string; reattached: number; mirrored: number; copyFailures: CopyFailure[] }
  | { kind: 'failed'; failure: UnitFailure }
  | { kind: 'uncertain'; stageId: string };

/** The stage ids of a unit: `<model>:s<n>:t<ttt>:<rating>:swapped` and `...:enhanced`. */
export function stageIds(unit: PlannedUnit): { swapped: string; enhanced: string } {
  const parts = { model: unit.model, source: unit.source, target: unit.target, rating: unit.rating };
  return { swapped: stageIdOf({ ...parts, stage: 'swapped' }), enhanced: stageIdOf({ ...parts, stage: 'enhanced' }) };
}

/** The result file name shown in progress (the enhanced output's name). */
export function unitFileName(unit: PlannedUnit): string {
  return formatResultName({
    model: unit.model,
    source: unit.source,
    target: unit.target,
    rating: unit.rating,
    stage: 'enhanced',
  });
}

/**
 * Consent, target check, swap, verify, enhance, store with the AI-generated mark, copy to result stores.
 * Every step goes to the journal; every paid call is reserved before and recorded after.
 */
export async function runUnit(context: UnitContext, unit: PlannedUnit): Promise<UnitOutcome> {
  const ids = stageIds(unit);
  let current: UnitFailure['stage'] = 'consent';
  const stage = (name: UnitFailure['stage']) => {
    current = name;
    context.emit({ type: 'stage-start', unitId: unit.id, stage: name });
  };
  const end = (
    name: UnitFailure['stage'],
    ok: boolean,
    extra: Partial<Extract<StudioEvent, { type: 'stage-end' }>> = {},
  ) => context.emit({ type: 'stage-end', unitId: unit.id, stage: name, ok, ...extra });
  let reattached = 0;
  try {
    stage('consent');
    assertConsent(context.config, { rating: unit.rating, use: 'swap' });
    end('consent', true);
    const swappedState = context.recorder.state(ids.swapped);
    // Checks that pass are journaled too (deferred: they cost nothing to run again after a crash).
    await context.recorder.passed(
      swappedState.status === 'done' ? ids.enhanced : ids.swapped,
      'consent',
      `${unit.rating}, swap`,
    );

    let swapped: Uint8Array;
    if (swappedState.status === 'done') {
      swapped = await readAll(await context.storage.get(unit.swappedKey, { signal: context.signal }));
    } else {
      const faces = await checkTarget(context, unit, ids.swapped);
      if (faces.kind === 'failed') return faces;
      stage('swap');
      assertConsent(await context.currentConfig(), { rating: unit.rating, use: 'swap' });
      const { swapper } = context.settings;
      const {
        result,
        stored,
        reattached: again,
      } = await runPaidCall(context, {
        stageId: ids.swapped,
        unitId: unit.id,
        op: 'swap',
        rating: unit.rating,
        provider: swapper.provider,
        price: context.config.settings.prices.swap,
        // No abort signal on the paid POST: once sent it may be charged, so it runs to its answer (or the client's
        // timeout, reported as uncertain); the run stops right after it.
        submit: () => swapper.submitSwap({ targetKey: unit.targetKey, sourceKey: unit.sourceKey, faces: faces.boxes }),
        wait: (job, options) => swapper.waitForSwap(job, options),
        store: (done) => storeResult(context, unit.swappedKey, done.bytes),
      });
      swapped = stored;
      reattached += again ? 1 : 0;
      await context.recorder.completed(ids.swapped, 'swap', [unit.swappedKey], chargeOf(result));
      end('swap', true, { jobId: result.job.id, reattached: again });
    }

    const enhancedState = context.recorder.state(ids.enhanced);
    if (enhancedState.status !== 'done') {
      stage('verify');
      const verdict = await verifySwap(context, unit, swapped);
      if (verdict) {
        await context.recorder.failed(ids.enhanced, 'verify', verdict);
        end('verify', false, { detail: verdict.message });
        return { kind: 'failed', failure: { unitId: unit.id, stage: 'verify', ...verdict } };
      }
      end('verify', true);
      await context.recorder.passed(ids.enhanced, 'verify', 'a face of the source person');

      stage('enhance');
      assertConsent(await context.currentConfig(), { rating: unit.rating, use: 'swap' });
      const { enhancer } = context.settings;
      const { result, reattached: again } = await runPaidCall(context, {
        stageId: ids.enhanced,
        unitId: unit.id,
        op: 'enhance',
        rating: unit.rating,
        provider: enhancer.provider,
        price: context.config.settings.prices.enhance,
        submit: () => enhancer.submitEnhance({ imageKey: unit.swappedKey, image: swapped }),
        wait: (job, options) => enhancer.waitForEnhance(job, options),
        store: (done) => storeResult(context, unit.enhancedKey, done.bytes),
      });
      reattached += again ? 1 : 0;
      await context.recorder.completed(ids.enhanced, 'enhance', [unit.enhancedKey], chargeOf(result));
      end('enhance', true, { jobId: result.job.id, reattached: again });
    }
  } catch (error) {
    if (error instanceof UncertainSubmission) return { kind: 'uncertain', stageId: error.stageId };
    if (isRunStopping(error, context.signal)) throw error;
    return { kind: 'failed', failure: toFailure(unit, current, error) };
  }
  // The unit is done once its result is stored: a copy to a result store that fails is reported, not a unit failure.
  const copies = await mirrorResults(context, unit);
  return {
    kind: 'succeeded',
    outputKey: unit.enhancedKey,
    reattached,
    mirrored: copies.copied,
    copyFailures: copies.failures,
  };
}

/** Marks a provider's output as AI-generated and stores it; returns the bytes stored. */
async function storeResult(context: UnitContext, key: string, bytes: Uint8Array): Promise<Uint8Array> {
  const { imageProcessor } = context.settings;
  const { maxBytes } = context.config.settings.thresholds;
  const mark = (image: Uint8Array) =>
    imageProcessor.writeMetadata(image, { digitalSourceType: digitalSourceType.composite }, { signal: context.signal });
  let marked = await mark(bytes);
  if (marked.byteLength > maxBytes) {
    // Stored results stay under the model's byte limit, so a swap can always be sent on to the enhancer.
    marked = await mark((await imageProcessor.normalize(marked, { maxBytes, signal: context.signal })).bytes);
  }
  await context.storage.put(key, marked, { contentType: 'image/jpeg', signal: context.signal });
  return marked;
}

/** The charge a finished job reports, as the ledger records it. */
function chargeOf(result: ProviderJobResult): { amount: number; unit: string } {
  return { amount: result.units, unit: result.unit };
}

/** Errors that stop the whole run rather than fail one unit. */
export function isRunStopping(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (!ModelStudioError.isInstance(error)) return false;
  if (error.code === 'budget-exceeded' || error.code === 'consent') return true;
  return (
    ProviderError.isInstance(error) && (error.reason === 'insufficient-credits' || error.reason === 'authentication')
  );
}

function toFailure(unit: PlannedUnit, stage: UnitFailure['stage'], error: unknown): UnitFailure {
  const provider = ProviderError.isInstance(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = provider ? error.reason : ModelStudioError.isInstance(error) ? error.code : 'error';
  return { unitId: unit.id, stage, code, message, retryable: provider ? error.isRetryable : false };
}

async function checkTarget(context: UnitContext, unit: PlannedUnit, stageId: string) {
  context.emit({ type: 'stage-start', unitId: unit.id, stage: 'target-check' });
  const { thresholds } = context.config.settings;
  const bytes = await readAll(await context.storage.get(unit.targetKey, { signal: context.signal }));
  let problem: { code: string; message: string } | undefined;
  let boxes: BoundingBox[] = [];
  if (bytes.byteLength > thresholds.maxBytes) {
    problem = {
      code: 'too-large',
      message: `Target ${unit.targetKey} is ${bytes.byteLength} bytes; the limit is ${thresholds.maxBytes}.`,
    };
  } else {
    problem = await resolutionProblem(context, unit.targetKey, bytes);
  }
  if (!problem) {
    const faces = await context.settings.faceChecker.faces({ bytes }, { signal: context.signal });
    boxes = faces.map((face) => face.box);
    if (faces.length < thresholds.minTargetFaces) {
      problem = {
        code: 'no-face',
        message: `No face found in target ${unit.targetKey}: nothing to swap, nothing paid.`,
      };
    }
  }
  context.emit({ type: 'stage-end', unitId: unit.id, stage: 'target-check', ok: !problem, detail: problem?.message });
  if (!problem) {
    await context.recorder.passed(stageId, 'target-check', `${boxes.length} face(s), ${bytes.byteLength} bytes`);
    return { kind: 'passed' as const, boxes };
  }
  await context.recorder.failed(stageId, 'target-check', { ...problem, retryable: false });
  const failure: UnitFailure = { unitId: unit.id, stage: 'target-check', ...problem, retryable: false };
  return { kind: 'failed' as const, failure };
}

/**
 * The model's minimum resolution, checked again at run time (the target may have been replaced, or the minimum
 * raised, since import). Dimensions come from the image header; a format the header reader does not know is decoded.
 */
async function resolutionProblem(context: UnitContext, key: string, bytes: Uint8Array) {
  const { minShortSide } = context.config.settings.thresholds;
  // No maxBytes: shrinking to fit a byte limit would change the dimensions being checked.
  const size =
    imageDimensions(bytes) ?? (await context.settings.imageProcessor.normalize(bytes, { signal: context.signal }));
  if (Math.min(size.width, size.height) >= minShortSide) return undefined;
  return {
    code: 'too-small',
    message: `Target ${key} is ${size.width}x${size.height} px; the model's minimum short side is ${minShortSide} px: not swapped, nothing paid.`,
  };
}

/** A swap is verified when a face in the result is the source person. Returns the refusal, or undefined. */
async function verifySwap(context: UnitContext, unit: PlannedUnit, swapped: Uint8Array) {
  const { faceChecker } = context.settings;
  const faces = await faceChecker.embeddings({ bytes: swapped }, { signal: context.signal });
  if (faces.length === 0) {
    return {
      code: 'swap-no-face',
      message: 'The swap result shows no face: the swap did not take, so it was not enhanced.',
      retryable: false,
    };
  }
  const source = await context.sourceEmbedding(unit.source);
  const threshold = context.config.settings.thresholds.identityThreshold;
  const best = Math.min(...faces.map((face) => faceChecker.distance(face.embedding, source)));
  if (best > threshold) {
    return {
      code: 'swap-identity-mismatch',
      message: `The swap result does not show the source person (identity distance ${best.toFixed(3)} > threshold ${threshold}): not enhanced.`,
      retryable: false,
    };
  }
  return undefined;
}

/** What {@link mirrorResults} did: copies made, and copies that failed. */
export interface MirrorOutcome {
  copied: number;
  failures: CopyFailure[];
}

/**
 * Copies a unit's results to every result store. With `onlyMissing`, keys a store already has are skipped: a later
 * run uses it to finish copies a crash or a storage error left undone after the unit was done. Never throws: a failed
 * copy is reported (a `result-mirror-failed` event and the returned failures) and the next run tries it again; once
 * the run is stopped, the copies not yet made are left to the next run.
 */
export async function mirrorResults(
  context: UnitContext,
  unit: PlannedUnit,
  options: { onlyMissing?: boolean } = {},
): Promise<MirrorOutcome> {
  const outcome: MirrorOutcome = { copied: 0, failures: [] };
  for (const store of context.settings.resultStores ?? []) {
    for (const key of [unit.swappedKey, unit.enhancedKey]) {
      if (context.signal.aborted) return outcome;
      try {
        if (options.onlyMissing && (await store.head(key, { signal: context.signal }))) continue;
        const bytes = await readAll(await context.storage.get(key, { signal: context.signal }));
        await store.put(key, bytes, { contentType: 'image/jpeg', signal: context.signal });
      } catch (error) {
        if (context.signal.aborted) return outcome;
        const failure: CopyFailure = {
          unitId: unit.id,
          store: store.provider,
          key,
          code: ModelStudioError.isInstance(error) ? error.code : 'error',
          message: error instanceof Error ? error.message : String(error),
        };
        outcome.failures.push(failure);
        context.emit({ type: 'result-mirror-failed', ...failure });
        const note = `Copying ${key} to result store "${store.provider}" failed; the next run tries again.`;
        context.settings.logger?.warn(note, { error: failure.message });
        continue;
      }
      context.emit({ type: 'result-mirrored', unitId: unit.id, key, store: store.provider });
      outcome.copied += 1;
    }
  }
  return outcome;
}
