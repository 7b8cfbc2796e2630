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
import { analyzeBatch } from './analyze-batch.js';
import { sourceReasons, swapReasons, targetReasons } from './face-rules.js';
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

/** Analyses one image; `boxes` skips detection and uses the given faces. */
type Analyze = (image: ImageSource, options?: AnalyzeOptions & { boxes?: BoundingBox[] }) => Promise<ImageAnalysis>;

/** The checker's numeric settings, validated: worker count, identity threshold and minimum target faces. */
function checkerSettings(options: QualityCheckerOptions): {
  workers: number;
  identityThreshold: number;
  minTargetFaces: number;
} {
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
  return { workers, identityThreshold, minTargetFaces: options.minTargetFaces ?? 1 };
}

/**
 * What a worker's failure becomes: a `ValidationError` on `backend` when the tfjs backend is unavailable, or on
 * `image` when the image cannot be decoded; any other error unchanged.
 */
function analysisError(error: unknown, backend: string): unknown {
  if (error instanceof Error && error.name === 'BackendUnavailableError') {
    return new ValidationError(`${error.message}`, { field: 'backend', value: backend, cause: error });
  }
  if (isUnreadableImageError(error)) {
    return new ValidationError(
      `The image could not be decoded (${(error as Error).message}). Check it with checkFile() and use a JPEG, PNG or WebP file.`,
      { field: 'image', cause: error },
    );
  }
  return error;
}

/** The public shape of a worker's result: detected faces (with embeddings when computed), quality and timings. */
function toImageAnalysis(result: AnalyzeResult): ImageAnalysis {
  const analysis: ImageAnalysis = {
    width: result.width,
    height: result.height,
    faces: result.faces.map((f) => (f.embedding ? { ...toDetected(f), embedding: f.embedding } : toDetected(f))),
    timings: result.timings,
  };
  if (result.quality) analysis.quality = result.quality;
  return analysis;
}

/** Reads an image (bytes, a file or a storage key) and analyses it on `runner`, mapping worker failures. */
function createAnalyze(runner: AnalysisRunner, options: QualityCheckerOptions): Analyze {
  const storage = options.storage;
  return async (image, opts = {}) => {
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
      throw analysisError(error, options.backend ?? 'auto');
    }
    return toImageAnalysis(result);
  };
}

/** Analyses an image for a rule: an image that cannot be decoded is a failed verdict (`unreadable`), not an error. */
async function analyzeForRule(
  analyze: Analyze,
  image: ImageSource,
  opts: AnalyzeOptions,
): Promise<ImageAnalysis | RuleResult> {
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

/** The per-use rules (source, target, swap result) on top of `analyze`. */
function createRules(
  analyze: Analyze,
  identityThreshold: number,
  minTargetFaces: number,
): Pick<QualityChecker, 'checkSource' | 'checkTarget' | 'checkSwapResult'> {
  return {
    async checkSource(image, opts = {}) {
      const analysis = await analyzeForRule(analyze, image, { ...opts, embeddings: true });
      if (isRuleResult(analysis)) return analysis;
      const result: SourceRuleResult = verdict(analysis, sourceReasons(analysis.faces.length));
      const embedding = analysis.faces[0]?.embedding;
      if (result.ok && embedding) result.embedding = embedding;
      return result;
    },
    async checkTarget(image, opts = {}) {
      const minFaces = opts.minFaces ?? minTargetFaces;
      const analysis = await analyzeForRule(analyze, image, opts);
      if (isRuleResult(analysis)) return analysis;
      return verdict(analysis, targetReasons(analysis.faces.length, minFaces));
    },
    async checkSwapResult(result, sourceEmbedding, opts = {}) {
      const image: ImageSource = result instanceof Uint8Array ? { bytes: result } : result;
      const analysis = await analyzeForRule(analyze, image, { ...opts, embeddings: true });
      if (isRuleResult(analysis)) return { ...analysis, threshold: identityThreshold };
      const distances = analysis.faces.map((f) =>
        f.embedding ? euclideanDistance(f.embedding, sourceEmbedding) : Infinity,
      );
      const distance = distances.length > 0 ? Math.min(...distances) : undefined;
      const reasons = swapReasons(distance, identityThreshold);
      const out: SwapRuleResult = { ...verdict(analysis, reasons), threshold: identityThreshold };
      if (distance !== undefined) out.distance = distance;
      return out;
    },
  };
}

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
  const { workers, identityThreshold, minTargetFaces } = checkerSettings(options);
  const runner: AnalysisRunner = createAnalysisRunner(workers, {
    backend: options.backend ?? 'auto',
    analysisSide: options.analysisSide ?? 640,
    maxPixels: options.maxPixels ?? defaultMaxPixels,
    detector: { ...defaultDetectorSettings, ...options.detector },
  });
  const analyze = createAnalyze(runner, options);

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
    analyzeBatch: (items, opts = {}) => analyzeBatch(analyze, items, opts, workers),
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
    ...createRules(analyze, identityThreshold, minTargetFaces),
    close: () => runner.close(),
    [Symbol.asyncDispose]: () => runner.close(),
  };
  return checker;
}
