import type { BoundingBox, QualityMetrics } from '@model-studio/core';
import { computeQualityMetrics } from '../metrics/quality-metrics.js';
import type { QualityBackend } from './backend.js';
import { BlazefaceDetector, type DetectorSettings, defaultDetectorSettings } from './blazeface-detector.js';
import { decodeForAnalysis, defaultMaxPixels } from './decode-image.js';
import { FaceEmbedder } from './face-embedder.js';
import type { RawFace } from './face-geometry.js';
import { FaceVerifier } from './face-verifier.js';
import { humanModelDir, loadFaceApi, loadFaceApiNets, loadGraphModelFromDir } from './load-models.js';
import { loadTfjs } from './load-tfjs.js';
import { UnreadableImageError } from './unreadable.js';

/** What to compute for one image. */
export interface AnalyzeRequest {
  bytes: Uint8Array;
  /** Compute an identity embedding per face. */
  embeddings?: boolean;
  /** Embed these faces (full-size pixel boxes) instead of detecting. */
  boxes?: BoundingBox[];
  /** Compute {@link QualityMetrics}. */
  quality?: boolean;
}

/** A face found in an analysed image, in full-size pixel coordinates. */
export interface AnalyzedFace {
  box: BoundingBox;
  confidence?: number;
  embedding?: Float32Array;
}

/** What {@link FaceEngine.analyze} found. */
export interface AnalyzeResult {
  /** Full-size width after EXIF orientation. */
  width: number;
  /** Full-size height after EXIF orientation. */
  height: number;
  faces: AnalyzedFace[];
  quality?: QualityMetrics;
  /** Milliseconds spent decoding, detecting and embedding. */
  timings: { decodeMs: number; detectMs: number; embedMs: number };
}

/** Settings of a {@link FaceEngine}. */
export interface FaceEngineOptions {
  backend: QualityBackend;
  /** Longest side, in px, of the copy the models look at. */
  analysisSide: number;
  maxPixels: number;
  detector: DetectorSettings;
}

/** Default {@link FaceEngineOptions}. */
export const defaultEngineOptions: FaceEngineOptions = {
  backend: 'auto',
  analysisSide: 640,
  maxPixels: defaultMaxPixels,
  detector: defaultDetectorSettings,
};

/** Detection, embedding and quality figures for one thread (a worker, or the main thread). */
export class FaceEngine {
  private constructor(
    readonly backend: string,
    private readonly detector: BlazefaceDetector,
    private readonly embedder: FaceEmbedder,
    private readonly options: FaceEngineOptions,
  ) {}

  /** Loads tfjs, the backend and the models from the installed npm packages. */
  static async create(options: FaceEngineOptions = defaultEngineOptions): Promise<FaceEngine> {
    const { tf, backend } = await loadTfjs(options.backend);
    const faceapi = loadFaceApi();
    await loadFaceApiNets(faceapi);
    const blazeface = await loadGraphModelFromDir(tf, humanModelDir(), 'blazeface');
    return new FaceEngine(
      backend,
      new BlazefaceDetector(tf, blazeface, options.detector, new FaceVerifier(tf, faceapi)),
      new FaceEmbedder(tf, faceapi),
      options,
    );
  }

  /** Decodes `bytes` and runs what the request asks for. */
  async analyze(request: AnalyzeRequest): Promise<AnalyzeResult> {
    const t0 = performance.now();
    let image: Awaited<ReturnType<typeof decodeForAnalysis>>;
    try {
      image = await decodeForAnalysis(request.bytes, this.options.analysisSide, this.options.maxPixels);
    } catch (error) {
      throw new UnreadableImageError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    const t1 = performance.now();
    const { scale } = image;
    let raw: Array<RawFace | { box: BoundingBox; confidence?: number; keypoints?: undefined }>;
    if (request.boxes) {
      raw = request.boxes.map((b) => ({
        box: { x: b.x / scale, y: b.y / scale, width: b.width / scale, height: b.height / scale },
      }));
    } else {
      raw = await this.detector.detect(image.rgb);
    }
    const t2 = performance.now();
    const embeddings = request.embeddings ? await this.embedder.embed(image.rgb, raw) : undefined;
    const t3 = performance.now();
    const faces: AnalyzedFace[] = raw.map((face, i) => {
      const out: AnalyzedFace = {
        box: {
          x: Math.round(face.box.x * scale),
          y: Math.round(face.box.y * scale),
          width: Math.round(face.box.width * scale),
          height: Math.round(face.box.height * scale),
        },
      };
      if (face.confidence !== undefined) out.confidence = face.confidence;
      const embedding = embeddings?.[i];
      if (embedding) out.embedding = embedding;
      return out;
    });
    const result: AnalyzeResult = {
      width: image.width,
      height: image.height,
      faces,
      timings: { decodeMs: t1 - t0, detectMs: t2 - t1, embedMs: t3 - t2 },
    };
    if (request.quality)
      result.quality = computeQualityMetrics(
        image.rgb,
        raw.map((f) => f.box),
      );
    return result;
  }
}
