/** The pre-flight checks, by id. */
export type PreflightCheck =
  | 'config'
  | 'buckets'
  | 'minimum-image-size'
  | 'image-size-unknown'
  | 'webp'
  | 'caption-missing'
  | 'caption-too-long'
  | 'image-dataset'
  | 'text-embeds'
  | 'base-model-access'
  | 'lora-size'
  | 'gpu-vram'
  | 'gpu-ram'
  | 'budget';

/** One pre-flight result: what is wrong (or worth knowing) and how to fix it. */
export interface PreflightFinding {
  check: PreflightCheck;
  /** `error` blocks the launch; `warning` is shown; `info` says what was not checked or what was assumed. */
  severity: 'error' | 'warning' | 'info';
  /** What was found. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** The images it concerns, when it concerns images. */
  images?: string[];
}

/** An image as the pre-flight sees it. */
export interface PreflightImage {
  /** File name. */
  name: string;
  /** Pixel size, when known (needed for the bucket check). */
  width?: number | undefined;
  height?: number | undefined;
  /** Its caption text, when it has one. */
  caption?: string | undefined;
}

/** A GPU type on offer: pass RunPod's catalog mapped to these fields (`memory` -> `memoryInGb`, `price.secure` -> `pricePerHourUsd`). */
export interface GpuOffer {
  id: string;
  /** VRAM per GPU in GB. */
  memoryInGb: number;
  /** System RAM of the machine in GB, when known (RunPod's GPU catalog does not list it). */
  ramInGb?: number | undefined;
  /** USD per GPU-hour. */
  pricePerHourUsd?: number | undefined;
}
