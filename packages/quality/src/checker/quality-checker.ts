import os from 'node:os';
import {
  type BoundingBox,
  type CallOptions,
  type DetectedFace,
  type FaceChecker,
  type FaceDetector,
  type FaceWithEmbedding,
  type ImageSource,
  type ProgressCallback,
  type QualityMetrics,
  ValidationError,
} from '@model-studio/core';
import { defaultDetectorSettings } from '../engine/blazeface-detector.js';
import { defaultMaxPixels } from '../engine/decode-image.js';
import { euclideanDistance } from '../engine/face-embedder.js';
import type { AnalyzeResult } from '../engine/face-engine.js';
import { isUnreadableImageError } from '../engine/unreadable.js';
import { type AnalysisRunner, createAnalysisRunner } from '../pool/analysis-runner.js';
import { defaultIdentityThreshold, type QualityCheckerOptions } from './quality-checker-options.js';
import { readImageSource } from './read-image-source.js';
import type { RuleReason, RuleResult, SourceRuleResult, SwapRuleResult } from './rule-result.js';

/** What to compute in {@link QualityChecker.analyze}. */
export interface AnalyzeOptions extends CallOptions {
  /** Compute an identity embedding per face. @default false */
  embeddings?: boolean;
  /** Compute quality figures. @default false */
  quality?: boolean;
}

/** Everything found in one image. */
export interface ImageAnalysis {
  /** Width after EXIF orientation. */
  width: number;
  /** Height after EXIF orientation. */
  height: number;
  /** Faces in full-size pixel coordinates (with `embedding` when asked for). */
  faces: Array<DetectedFace & { embedding?: Float32Array }>;
  /** Quality figures, when asked for. */
  quality?: QualityMetrics;
  /** Milliseconds spent decoding, detecting and embedding (in the worker). */
  timings: { decodeMs: number; detectMs: number; embedMs: number };
}

/** One input of {@link QualityChecker.analyzeBatch}. */
export interface BatchItem {
  /** Your id for the image, echoed in the result. */
  id: string;
  image: ImageSource;
}

/** One output of {@link QualityChecker.analyzeBatch}: an analysis or the error it raised. */
export type BatchResult =
  | { id: string; index: number; ok: true; analysis: ImageAnalysis }
  | { id: string; index: number; ok: false; error: Error };

/** Options of {@link QualityChecker.analyzeBatch}. */
export interface BatchOptions extends AnalyzeOptions {
  /** Called after each image with the number done and, when known, the total. */
  onProgress?: ProgressCallback;
  /**
   * Images in flight at once.
   * @default twice the worker count (at least 2)
   */
  concurrency?: number;
}

/**
 * Face detection, identity and image quality on sharp + tfjs. Implements core's {@link FaceChecker} and
 * {@link FaceDetector}, plus the per-use rules. Close it (or `await using`) to stop its worker threads.
 */
export interface QualityChecker extends FaceChecker, FaceDetector, AsyncDisposable {
  readonly provider: 'quality';
  /** Distance below which two embeddings are the same person. */
  readonly identityThreshold: number;
  /** The tfjs backend in use (`wasm`, `tensorflow`, `cpu`), known after the first check. */
  readonly backend: string | undefined;
  /** Milliseconds the models took to load (slowest worker), known after the first check. */
  readonly loadMs: number;
  /** Worker threads alive. */
  readonly threadCount: number;
  /** Faces, embeddings and quality figures of one image. Throws `ValidationError` when it cannot be decoded. */
  analyze(image: ImageSource, options?: AnalyzeOptions): Promise<ImageAnalysis>;
  /** Analyses many images across the workers, yielding each result as soon as it is ready (not in input order). */
  analyzeBatch(
    items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
    options?: BatchOptions,
  ): AsyncIterable<BatchResult>;
  /** True when two embeddings are the same person (distance below {@link identityThreshold}). */
  isSamePerson(a: Float32Array, b: Float32Array): boolean;
  /** A source photo needs exactly one face; its embedding is returned for later swap checks. */
  checkSource(image: ImageSource, options?: CallOptions): Promise<SourceRuleResult>;
  /** A target photo needs at least `minFaces` faces (default from the options, 1). */
  checkTarget(image: ImageSource, options?: CallOptions & { minFaces?: number }): Promise<RuleResult>;
  /** A swap result needs a face whose identity matches the source's embedding. */
  checkSwapResult(
    result: Uint8Array | ImageSource,
    sourceEmbedding: Float32Array,
    options?: CallOptions,
  ): Promise<SwapRuleResult>;
  /** Stops the worker threads. Pending checks are rejected. */
  close(): Promise<void>;
}

/** A rule's verdict on an analysed image: ok when there is no reason against it. */
function verdict(analysis: ImageAnalysis, reasons: RuleReason[]): RuleResult {
  return {
    ok: reasons.length === 0,
    reasons,
    faces: analysis.faces.map(toDetected),
    width: analysis.width,
    height: analysis.height,
  };
}

const toDetected = (face: { box: BoundingBox; confidence?: number }): DetectedFace =>
  face.confidence === undefined ? { box: face.box } : { box: face.box, confidence: face.confidence };

/**
 * Creates a {@link QualityChecker}. Nothing heavy is loaded until the first check: then each worker loads tfjs
 * (tfjs-node when installed, else wasm), blazeface and face-api's landmark and recognition nets from npm packages.
 *
 * @example
 * ```ts
 * await using checker = createQualityChecker();
 * const source = await checker.checkSource({ bytes });
 * if (!source.ok) console.log(source.reasons.map((r) => r.message).join(' '));
 * ```
 */
export function createQualityChecker(options: QualityCheckerOptions = {}): QualityChecker {
  const workers =
    options.workers ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  if (!Number.isInteger(workers) || workers < 0) {
    throw new ValidationError(`workers must be a whole number >= 0, got ${workers}.`, {
      field: 'workers',
      value: workers,
    });
  }
  const identityThreshold = options.identityThreshold ?? defaultIdentityThreshold;
  if (!(identityThreshold > 0)) {
    throw new ValidationError('identityThreshold must be a positive number.', {
      field: 'identityThreshold',
      value: identityThreshold,
    });
  }
  const minTargetFaces = options.minTargetFaces ?? 1;
  const runner: AnalysisRunner = createAnalysisRunner(workers, {
    backend: options.backend ?? 'auto',
    analysisSide: options.analysisSide ?? 640,
    maxPixels: options.maxPixels ?? defaultMaxPixels,
    detector: { ...defaultDetectorSettings, ...options.detector },
  });
  const storage = options.storage;

  async function analyze(
    image: ImageSource,
    opts: AnalyzeOptions & { boxes?: BoundingBox[] } = {},
  ): Promise<ImageAnalysis> {
    const bytes = await readImageSource(image, storage, opts);
    if (bytes.length === 0) throw new ValidationError('The image is empty (0 bytes).', { field: 'image' });
    let result: AnalyzeResult;
    try {
      const request: Parameters<AnalysisRunner['run']>[0] = {
        bytes,
        embeddings: opts.embeddings === true,
        quality: opts.quality === true,
      };
      if (opts.boxes) request.boxes = opts.boxes;
      result = await runner.run(request, opts.signal);
    } catch (error) {
      if (error instanceof Error && error.name === 'BackendUnavailableError') {
        throw new ValidationError(`${error.message}`, {
          field: 'backend',
          value: options.backend ?? 'auto',
          cause: error,
        });
      }
      if (isUnreadableImageError(error)) {
        throw new ValidationError(
          `The image could not be decoded (${(error as Error).message}). Check it with checkFile() and use a JPEG, PNG or WebP file.`,
          { field: 'image', cause: error },
        );
      }
      throw error;
    }
    const analysis: ImageAnalysis = {
      width: result.width,
      height: result.height,
      faces: result.faces.map((f) => (f.embedding ? { ...toDetected(f), embedding: f.embedding } : toDetected(f))),
      timings: result.timings,
    };
    if (result.quality) analysis.quality = result.quality;
    return analysis;
  }

  async function analyzeForRule(image: ImageSource, opts: AnalyzeOptions): Promise<ImageAnalysis | RuleResult> {
    try {
      return await analyze(image, opts);
    } catch (error) {
      if (!ValidationError.isInstance(error) || error.field !== 'image') throw error;
      return {
        ok: false,
        reasons: [{ code: 'unreadable', message: error.message }],
        faces: [],
        width: 0,
        height: 0,
      };
    }
  }

  const isRuleResult = (value: ImageAnalysis | RuleResult): value is RuleResult => 'ok' in value;

  const checker: QualityChecker = {
    specificationVersion: 'v1',
    provider: 'quality',
    identityThreshold,
    get backend() {
      return runner.backend;
    },
    get loadMs() {
      return runner.loadMs;
    },
    get threadCount() {
      return runner.threadCount;
    },
    analyze: (image, opts) => analyze(image, opts),
    async *analyzeBatch(items, opts = {}) {
      const concurrency = opts.concurrency ?? Math.max(2, workers * 2);
      const total = Array.isArray(items) ? items.length : undefined;
      const inFlight = new Map<number, Promise<{ key: number; result: BatchResult }>>();
      let index = 0;
      let done = 0;
      const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]()) as
        | AsyncIterator<BatchItem>
        | Iterator<BatchItem>;
      let exhausted = false;
      const launch = async () => {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          return;
        }
        const key = index++;
        const item = next.value;
        inFlight.set(
          key,
          analyze(item.image, opts).then(
            (analysis): { key: number; result: BatchResult } => ({
              key,
              result: { id: item.id, index: key, ok: true, analysis },
            }),
            (error: unknown): { key: number; result: BatchResult } => ({
              key,
              result: {
                id: item.id,
                index: key,
                ok: false,
                error: error instanceof Error ? error : new Error(String(error)),
              },
            }),
          ),
        );
      };
      while (!exhausted && inFlight.size < concurrency) await launch();
      while (inFlight.size > 0) {
        opts.signal?.throwIfAborted();
        const { key, result } = await Promise.race(inFlight.values());
        inFlight.delete(key);
        // An abort while waiting turns in-flight images into abort errors: stop instead of yielding those.
        opts.signal?.throwIfAborted();
        done++;
        opts.onProgress?.(total === undefined ? { done } : { done, total });
        yield result;
        while (!exhausted && inFlight.size < concurrency) await launch();
      }
      opts.signal?.throwIfAborted();
    },
    async detectFaces(image, opts) {
      return (await analyze(image, opts ?? {})).faces.map(toDetected);
    },
    async faces(image, opts) {
      return (await analyze(image, opts ?? {})).faces.map(toDetected);
    },
    async embeddings(image, opts = {}) {
      const analysis = await analyze(image, { ...opts, embeddings: true });
      return analysis.faces.map(
        (f): FaceWithEmbedding => ({ ...toDetected(f), embedding: f.embedding ?? new Float32Array(0) }),
      );
    },
    distance: euclideanDistance,
    isSamePerson: (a, b) => euclideanDistance(a, b) < identityThreshold,
    async quality(image, opts) {
      const analysis = await analyze(image, { ...opts, quality: true });
      return analysis.quality as QualityMetrics;
    },
    async checkSource(image, opts = {}) {
      const analysis = await analyzeForRule(image, { ...opts, embeddings: true });
      if (isRuleResult(analysis)) return analysis;
      const reasons: RuleReason[] = [];
      if (analysis.faces.length === 0) {
        reasons.push({
          code: 'no-face',
          message: "No face was found. A source photo must show one person's face clearly.",
        });
      } else if (analysis.faces.length > 1) {
        reasons.push({
          code: 'multiple-faces',
          message: `${analysis.faces.length} faces were found. A source photo must show exactly one face; crop it to one person.`,
        });
      }
      const result: SourceRuleResult = verdict(analysis, reasons);
      const embedding = analysis.faces[0]?.embedding;
      if (result.ok && embedding) result.embedding = embedding;
      return result;
    },
    async checkTarget(image, opts = {}) {
      const minFaces = opts.minFaces ?? minTargetFaces;
      const analysis = await analyzeForRule(image, opts);
      if (isRuleResult(analysis)) return analysis;
      const reasons: RuleReason[] = [];
      if (analysis.faces.length < minFaces) {
        reasons.push(
          analysis.faces.length === 0
            ? { code: 'no-face', message: 'No face was found. A target photo needs a visible face to swap.' }
            : {
                code: 'too-few-faces',
                message: `${analysis.faces.length} face(s) found; this target needs at least ${minFaces}.`,
              },
        );
      }
      return verdict(analysis, reasons);
    },
    async checkSwapResult(result, sourceEmbedding, opts = {}) {
      const image: ImageSource = result instanceof Uint8Array ? { bytes: result } : result;
      const analysis = await analyzeForRule(image, { ...opts, embeddings: true });
      if (isRuleResult(analysis)) return { ...analysis, threshold: identityThreshold };
      const distances = analysis.faces.map((f) =>
        f.embedding ? euclideanDistance(f.embedding, sourceEmbedding) : Infinity,
      );
      const distance = distances.length > 0 ? Math.min(...distances) : undefined;
      const reasons: RuleReason[] = [];
      if (distance === undefined) {
        reasons.push({
          code: 'no-face',
          message: 'No face was found in the swap result; the swap failed. Do not enhance it.',
        });
      } else if (!(distance < identityThreshold)) {
        reasons.push({
          code: 'identity-mismatch',
          message: `The face in the swap result does not look like the source person (distance ${distance.toFixed(2)}, must be below ${identityThreshold}).`,
        });
      }
      const out: SwapRuleResult = { ...verdict(analysis, reasons), threshold: identityThreshold };
      if (distance !== undefined) out.distance = distance;
      return out;
    },
    close: () => runner.close(),
    [Symbol.asyncDispose]: () => runner.close(),
  };
  return checker;
}
