import { type CallOptions, type FaceChecker, type ImageProcessor, type Storage, storageKeys } from '@model-studio/core';
import { hammingDistance } from '../dataset/hamming-distance.js';
import { readLoraVersion } from '../versions/list-lora-versions.js';
import { type LossPoint, loraVersionFiles } from '../versions/lora-version-record.js';
import { parseTrainingMetrics } from '../versions/parse-training-metrics.js';
import { readBytes, writeJson } from '../versions/storage-io.js';
import {
  type CheckpointCurve,
  type CheckpointPoint,
  type CheckpointSampleMeasure,
  checkpointCurveFile,
  checkpointCurveNote,
} from './checkpoint-curve.js';
import { decodeImage } from './decode-image.js';
import { differenceHash, imageStatistics } from './image-statistics.js';
import { listVersionCheckpoints, type VersionCheckpoint } from './list-version-checkpoints.js';

/** Options of {@link computeCheckpointCurve}. */
export interface ComputeCheckpointCurveOptions extends CallOptions {
  storage: Storage;
  model: string;
  version: string;
  /** Measures identity: a face checker (core's interface; `@model-studio/quality` implements it) and the source faces' embeddings. */
  identity?: { faceChecker: FaceChecker; sourceEmbeddings: readonly Float32Array[] };
  /** Perceptual hashes from this image processor when it has `perceptualHash`; a built-in 64-bit dHash otherwise. */
  imageProcessor?: Pick<ImageProcessor, 'provider' | 'perceptualHash'>;
  /** The dataset images to compare samples with. @default the images of the version's dataset (`simpletuner/images/`) */
  datasetImages?: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
  /** Store the curve as `loras/<version>/checkpoint-curve.json`. @default true */
  write?: boolean;
  /** Clock, for tests. */
  now?: () => Date;
}

type Hasher = { name: string; hash: (bytes: Uint8Array, name: string) => Promise<string> };

function hasherOf(options: ComputeCheckpointCurveOptions): Hasher {
  const processor = options.imageProcessor;
  if (processor?.perceptualHash) {
    const hash = processor.perceptualHash.bind(processor);
    return { name: processor.provider, hash: (bytes) => hash(bytes, { signal: options.signal }) };
  }
  return { name: 'dhash', hash: async (bytes, name) => differenceHash(decodeImage(bytes, name)) };
}

async function datasetHashes(
  options: ComputeCheckpointCurveOptions,
  datasetVersion: string | undefined,
  hasher: Hasher,
): Promise<Array<{ name: string; hash: string }>> {
  let images = options.datasetImages;
  if (!images && datasetVersion) {
    const prefix = `${storageKeys.datasetPrefix(options.model, datasetVersion)}simpletuner/images/`;
    const found: Array<{ name: string; bytes: Uint8Array }> = [];
    for await (const info of options.storage.list({ prefix, signal: options.signal })) {
      if (!/\.(png|jpe?g)$/i.test(info.key)) continue;
      found.push({ name: info.key.slice(prefix.length), bytes: await readBytes(options.storage, info.key, options) });
    }
    images = found;
  }
  const hashes = [];
  for (const image of images ?? []) hashes.push({ name: image.name, hash: await hasher.hash(image.bytes, image.name) });
  return hashes;
}

async function measureSample(
  key: string,
  bytes: Uint8Array,
  options: ComputeCheckpointCurveOptions,
  hasher: Hasher,
  dataset: ReadonlyArray<{ name: string; hash: string }>,
): Promise<CheckpointSampleMeasure> {
  const measure: CheckpointSampleMeasure = { key, ...imageStatistics(decodeImage(bytes, key)) };
  if (options.identity) {
    const { faceChecker, sourceEmbeddings } = options.identity;
    const faces = await faceChecker.embeddings({ bytes }, { signal: options.signal });
    measure.faces = faces.length;
    const first = faces[0];
    if (first && sourceEmbeddings.length > 0) {
      measure.distance = Math.min(...sourceEmbeddings.map((source) => faceChecker.distance(source, first.embedding)));
      measure.identity = Math.min(1, Math.max(0, 1 - measure.distance));
    } else measure.identity = 0;
  }
  if (dataset.length > 0) {
    const hash = await hasher.hash(bytes, key);
    for (const image of dataset) {
      const distance = hammingDistance(hash, image.hash) / (hash.length * 4);
      if (measure.nearestDatasetDistance === undefined || distance < measure.nearestDatasetDistance) {
        measure.nearestDatasetDistance = distance;
        measure.nearestDatasetImage = image.name;
      }
    }
  }
  return measure;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;

function lossAt(loss: readonly LossPoint[], step: number): number | undefined {
  let found: number | undefined;
  for (const point of loss) if (point.step <= step) found = point.loss;
  return found;
}

function summarise(
  checkpoint: VersionCheckpoint,
  samples: CheckpointSampleMeasure[],
  loss: LossPoint[],
): CheckpointPoint {
  const distances = samples.flatMap((sample) => sample.nearestDatasetDistance ?? []);
  const nearest = distances.length > 0 ? Math.min(...distances) : undefined;
  const identities = samples.flatMap((sample) => sample.identity ?? []);
  return {
    step: checkpoint.step,
    weights: checkpoint.weights,
    last: checkpoint.last,
    samples,
    identity: identities.length === samples.length ? mean(identities) : undefined,
    nearestDatasetDistance: nearest,
    memorisation: nearest === undefined ? undefined : 1 - nearest,
    entropy: mean(samples.map((sample) => sample.entropy)) ?? 0,
    contrast: mean(samples.map((sample) => sample.contrast)) ?? 0,
    loss: lossAt(loss, checkpoint.step),
  };
}

/**
 * Measures every checkpoint of a recorded LoRA version (see {@link listVersionCheckpoints}): the identity of its
 * validation samples against the source faces (with `identity`), their nearest-dataset distance (perceptual hashes:
 * a sign of memorising), their entropy and contrast (collapse signals) and the loss at that step. Stores the curve
 * beside the version record (`checkpoint-curve.json`) so `show` and `compare` do not recompute it. For a sandbox
 * version the curve measures the pipeline, not a trained model, and its note says so.
 *
 * @throws NotFoundError for an unknown version; ValidationError for a sample that is not a PNG or JPEG.
 */
export async function computeCheckpointCurve(options: ComputeCheckpointCurveOptions): Promise<CheckpointCurve> {
  const { storage, model, version, signal } = options;
  const record = await readLoraVersion(storage, model, version, { signal });
  const checkpoints = await listVersionCheckpoints(storage, model, version, { signal, record });
  const hasher = hasherOf(options);
  const dataset = await datasetHashes(options, record.datasetVersion, hasher);
  const metricsKey = storageKeys.lora(model, version, loraVersionFiles.metrics);
  const loss = (await storage.head(metricsKey, { signal }))
    ? parseTrainingMetrics(new TextDecoder().decode(await readBytes(storage, metricsKey, { signal })))
    : [];
  const points: CheckpointPoint[] = [];
  for (const checkpoint of checkpoints) {
    const samples = [];
    for (const key of checkpoint.samples) {
      samples.push(await measureSample(key, await readBytes(storage, key, { signal }), options, hasher, dataset));
    }
    points.push(summarise(checkpoint, samples, loss));
  }
  const curve: CheckpointCurve = {
    curveVersion: 1,
    model,
    version,
    sandbox: record.sandbox,
    note: checkpointCurveNote(record.sandbox),
    computedAt: (options.now?.() ?? new Date()).toISOString(),
    faceChecker: options.identity?.faceChecker.provider,
    perceptualHash: hasher.name,
    datasetImages: dataset.length,
    checkpoints: points,
  };
  if (options.write ?? true)
    await writeJson(storage, storageKeys.lora(model, version, checkpointCurveFile), curve, { signal });
  return curve;
}
