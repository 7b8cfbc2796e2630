import { readFileSync } from 'node:fs';
import { ValidationError } from '@model-studio/core';
import { type DecodedImage, decodeImage } from '../checkpoints/decode-image.js';
import { sandboxLoraFile } from '../safetensors/sandbox-lora-file.js';
import { encodeSandboxPng } from './sandbox-png.js';

/**
 * When the sandbox trainer's validation samples look best, so that tests know which checkpoint `--best` must pick:
 * a sample is the face image blended with noise, the noise share growing with the distance to `peakStep` (none at
 * the peak); from `collapseStep` on, samples are near-uniform (a collapsed run); at `memoriseSteps` they are exact
 * copies of a dataset image (a memorising run).
 */
export interface SandboxSampleSchedule {
  /** The step whose samples are cleanest (the face itself). */
  peakStep: number;
  /** From this step on, samples collapse to a near-uniform image. */
  collapseStep?: number | undefined;
  /** Steps whose samples copy a dataset image. */
  memoriseSteps?: readonly number[] | undefined;
  /** Steps from the peak at which the noise reaches `maxNoise`. @default peakStep */
  spread?: number | undefined;
  /** Largest noise share (0-1). @default 0.9 */
  maxNoise?: number | undefined;
}

/** Options of {@link sandboxSample}. */
export interface SandboxSampleOptions {
  /** The face the samples are made from (e.g. the model's source photo), decoded (see `decodeImage`). */
  face: DecodedImage;
  step: number;
  /** The sample's prompt index (seeds its noise). */
  index: number;
  schedule: SandboxSampleSchedule;
  /** Dataset images to copy at `memoriseSteps`. */
  dataset?: readonly DecodedImage[] | undefined;
  /** Longest side of the sample, px (nearest-neighbour scaling). @default 256 */
  size?: number | undefined;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The image scaled (nearest neighbour) so its longest side is at most `size`, as RGB. */
function scaledRgb(image: DecodedImage, size: number): { width: number; height: number; rgb: Uint8Array } {
  const scale = Math.min(1, size / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.floor(x / scale));
      const from = (sy * image.width + sx) * 4;
      rgb.set(image.data.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}

/**
 * The face at 70 % of its size, whole in the lower right and tiled around it (so the picture keeps the face's colours):
 * the same face for a face checker, but framed unlike the dataset image it came from, so no near-duplicate of it.
 */
function reframed(image: { width: number; height: number; rgb: Uint8Array }): Uint8Array {
  const { width, height, rgb } = image;
  const scale = 0.7;
  const tileWidth = Math.max(1, Math.round(width * scale));
  const tileHeight = Math.max(1, Math.round(height * scale));
  const left = width - tileWidth;
  const top = height - tileHeight;
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < height; y++) {
    const ty = (((y - top) % tileHeight) + tileHeight) % tileHeight;
    const sy = Math.min(height - 1, Math.floor(ty / scale));
    for (let x = 0; x < width; x++) {
      const tx = (((x - left) % tileWidth) + tileWidth) % tileWidth;
      const sx = Math.min(width - 1, Math.floor(tx / scale));
      out.set(rgb.subarray((sy * width + sx) * 3, (sy * width + sx) * 3 + 3), (y * width + x) * 3);
    }
  }
  return out;
}

/** The noise share of a step's samples under a schedule (0 at the peak, up to `maxNoise`). */
export function sandboxNoiseShare(step: number, schedule: SandboxSampleSchedule): number {
  const spread = Math.max(1, schedule.spread ?? schedule.peakStep);
  return Math.min(schedule.maxNoise ?? 0.9, Math.abs(step - schedule.peakStep) / spread);
}

/**
 * One sandbox validation sample (a PNG labelled "sandbox validation sample") for `step` under `schedule`: the face
 * blended with seeded noise (cleanest at `peakStep`), a near-uniform image from `collapseStep` on, or a copy of a
 * dataset image at `memoriseSteps`. When `face` is one of the `dataset` images (the same object), it is reframed
 * (smaller, whole in a corner, tiled around), so the peak's samples show the person without being near-duplicates of the dataset.
 * Deterministic for the same inputs.
 */
export function sandboxSample(options: SandboxSampleOptions): Uint8Array {
  const { schedule, step, index } = options;
  const size = options.size ?? 256;
  const dataset = options.dataset ?? [];
  if (schedule.memoriseSteps?.includes(step) && dataset.length > 0) {
    const copy = scaledRgb(dataset[index % dataset.length] as DecodedImage, size);
    return encodeSandboxPng(copy.width, copy.height, copy.rgb);
  }
  const scaled = scaledRgb(options.face, size);
  const { width, height } = scaled;
  // A face taken from the dataset itself is reframed, so that the peak shows the person without copying the dataset.
  const rgb = dataset.includes(options.face) ? reframed(scaled) : scaled.rgb;
  const random = mulberry32(step * 7919 + index * 104729 + 1);
  if (schedule.collapseStep !== undefined && step >= schedule.collapseStep) {
    let sum = 0;
    for (const value of rgb) sum += value;
    const grey = Math.round(sum / Math.max(1, rgb.length));
    for (let i = 0; i < rgb.length; i++) rgb[i] = grey + (random() < 0.5 ? 0 : 1);
    return encodeSandboxPng(width, height, rgb);
  }
  const noise = sandboxNoiseShare(step, schedule);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round((1 - noise) * (rgb[i] ?? 0) + noise * random() * 255);
  return encodeSandboxPng(width, height, rgb);
}

/**
 * The sample schedule from the sandbox's environment: `MS_SANDBOX_SAMPLE_PEAK_STEP` (required for a schedule),
 * `MS_SANDBOX_SAMPLE_COLLAPSE_STEP`, `MS_SANDBOX_SAMPLE_MEMORISE_STEPS` (comma-separated),
 * `MS_SANDBOX_SAMPLE_SPREAD`; `undefined` without a peak step.
 *
 * @throws ValidationError for a value that is not a whole number.
 */
export function sandboxSampleScheduleFromEnv(
  env: Record<string, string | undefined>,
): SandboxSampleSchedule | undefined {
  const whole = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw.trim())) {
      throw new ValidationError(`${name} must be a whole number of steps, got "${raw}".`, { field: name, value: raw });
    }
    return Number(raw);
  };
  const peakStep = whole('MS_SANDBOX_SAMPLE_PEAK_STEP');
  if (peakStep === undefined) return undefined;
  const memorise = (env.MS_SANDBOX_SAMPLE_MEMORISE_STEPS ?? '').split(',').filter((part) => part.trim() !== '');
  if (memorise.some((part) => !/^\d+$/.test(part.trim()))) {
    throw new ValidationError(
      `MS_SANDBOX_SAMPLE_MEMORISE_STEPS must be comma-separated whole numbers, got "${env.MS_SANDBOX_SAMPLE_MEMORISE_STEPS}".`,
      { field: 'MS_SANDBOX_SAMPLE_MEMORISE_STEPS' },
    );
  }
  return {
    peakStep,
    collapseStep: whole('MS_SANDBOX_SAMPLE_COLLAPSE_STEP'),
    memoriseSteps: memorise.map(Number),
    spread: whole('MS_SANDBOX_SAMPLE_SPREAD'),
  };
}

/** Options of {@link sandboxCheckpointFiles}. */
export interface SandboxCheckpointFilesOptions {
  /** The face image's bytes (PNG or JPEG). */
  face: Uint8Array;
  /** Dataset images' bytes (PNG or JPEG), copied at `memoriseSteps`. */
  dataset?: readonly Uint8Array[];
  /** Checkpoint steps, e.g. `[200, 400, 600, 800, 1000]`. */
  steps: readonly number[];
  schedule: SandboxSampleSchedule;
  /** Samples per checkpoint. @default 2 */
  samplesPerStep?: number;
  /** Rank of the sandbox LoRA files. @default 4 */
  rank?: number;
  /** Longest side of the samples. @default 256 */
  size?: number;
  /**
   * The face is also the dataset's first image, as in the sandbox trainer process (which takes the face from the
   * dataset archive): samples then reframe it (see {@link sandboxSample}). @default false
   */
  faceInDataset?: boolean;
}

/**
 * A sandbox training's checkpoint files in SimpleTuner's layout (see `listCheckpoints`):
 * `checkpoints/checkpoint-<N>/pytorch_lora_weights.safetensors` (a small valid FLUX LoRA marked `ms.sandbox`) and
 * `samples/step-<N>-<i>.png` (see {@link sandboxSample}) for every step, the last step's weights being
 * `pytorch_lora_weights.safetensors` at the top (each file's last tensor bytes hold its step, so their hashes differ). Put them under a version folder, or give them to the sandbox's
 * uploads; nothing in them is a trained model.
 */
export function sandboxCheckpointFiles(
  options: SandboxCheckpointFilesOptions,
): Array<{ name: string; bytes: Uint8Array }> {
  const face = decodeImage(options.face, 'face');
  const dataset = (options.dataset ?? []).map((bytes, n) => decodeImage(bytes, `dataset image ${n}`));
  if (options.faceInDataset) dataset.unshift(face);
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  const last = Math.max(...options.steps);
  for (const step of options.steps) {
    const lora = sandboxLoraFile({ family: 'flux', rank: options.rank ?? 4 });
    new DataView(lora.buffer, lora.byteOffset, lora.byteLength).setUint32(lora.byteLength - 4, step, true); // one hash per step
    files.push({
      name:
        step === last
          ? 'pytorch_lora_weights.safetensors'
          : `checkpoints/checkpoint-${step}/pytorch_lora_weights.safetensors`,
      bytes: lora,
    });
    for (let index = 0; index < (options.samplesPerStep ?? 2); index++) {
      const bytes = sandboxSample({ face, step, index, schedule: options.schedule, dataset, size: options.size });
      files.push({ name: `samples/step-${step}-${index}.png`, bytes });
    }
  }
  return files;
}

/**
 * For the sandbox trainer process: the validation samples of `step` under the schedule in `env` (see
 * {@link sandboxSampleScheduleFromEnv}), made from the face image at the path `MS_SANDBOX_SAMPLE_FACE`; `undefined`
 * when no schedule is set (the trainer then uploads its plain gradient samples).
 *
 * @throws ValidationError when a schedule is set without a readable `MS_SANDBOX_SAMPLE_FACE`.
 */
export function sandboxScheduledSamples(options: {
  env: Record<string, string | undefined>;
  step: number;
  count: number;
  dataset?: readonly Uint8Array[];
}): Uint8Array[] | undefined {
  const schedule = sandboxSampleScheduleFromEnv(options.env);
  if (!schedule) return undefined;
  const path = options.env.MS_SANDBOX_SAMPLE_FACE;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path ?? ''));
  } catch (cause) {
    throw new ValidationError(
      `MS_SANDBOX_SAMPLE_FACE must be the path of a PNG or JPEG face image when MS_SANDBOX_SAMPLE_PEAK_STEP is set (got "${path ?? ''}").`,
      { cause, field: 'MS_SANDBOX_SAMPLE_FACE' },
    );
  }
  const face = decodeImage(bytes, 'MS_SANDBOX_SAMPLE_FACE');
  const dataset = (options.dataset ?? []).map((image, n) => decodeImage(image, `dataset image ${n}`));
  return Array.from({ length: options.count }, (_, index) =>
    sandboxSample({ face, step: options.step, index, schedule, dataset }),
  );
}
