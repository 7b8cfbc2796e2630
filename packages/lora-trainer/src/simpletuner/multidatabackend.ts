import { ValidationError } from '@model-studio/core';

/** An image dataset entry of SimpleTuner's `multidatabackend.json`. */
export interface SimpleTunerImageBackend {
  id: string;
  type: 'local';
  dataset_type?: 'image';
  instance_data_dir: string;
  caption_strategy: 'textfile' | 'filename' | 'instanceprompt' | 'parquet';
  instance_prompt?: string;
  resolution: number;
  resolution_type: 'pixel' | 'pixel_area' | 'area';
  minimum_image_size: number;
  crop: boolean;
  crop_style?: 'random' | 'center' | 'corner' | 'face';
  crop_aspect?: 'square' | 'preserve' | 'closest' | 'random';
  cache_dir_vae: string;
  metadata_backend: 'discovery';
  /** SimpleTuner repeats: extra passes over each image (kohya repeats - 1). */
  repeats: number;
}

/** The text-embeds cache entry of SimpleTuner's `multidatabackend.json`. */
export interface SimpleTunerTextEmbedsBackend {
  id: string;
  type: 'local';
  dataset_type: 'text_embeds';
  default: boolean;
  cache_dir: string;
}

/** One entry of SimpleTuner's `multidatabackend.json`. */
export type SimpleTunerBackend = SimpleTunerImageBackend | SimpleTunerTextEmbedsBackend;

/** Options for {@link buildMultiDataBackend}. */
export interface BuildMultiDataBackendOptions {
  /** Folder of images + `.txt` captions on the training machine. */
  instanceDataDir: string;
  /** Folder for the VAE and text-embed caches on the training machine. */
  cacheDir: string;
  /** kohya-style repeats (times each image is seen per epoch, at least 1); SimpleTuner gets `repeats - 1`. */
  kohyaRepeats: number;
  /** Training resolution (from the config). */
  resolution: number;
  /** Resolution type (from the config). */
  resolutionType: 'pixel' | 'pixel_area' | 'area';
  /** Smallest image kept by the bucket manager, same unit as `resolution`. @default resolution / 2 */
  minimumImageSize?: number;
  /** Dataset id. @default 'person' */
  id?: string;
}

/** Converts kohya repeats (passes per epoch, >= 1) to SimpleTuner repeats (extra passes): `kohya - 1`. */
export function simpleTunerRepeats(kohyaRepeats: number): number {
  if (!Number.isInteger(kohyaRepeats) || kohyaRepeats < 1) {
    throw new ValidationError(`repeats must be an integer of at least 1 (kohya counting), got ${kohyaRepeats}.`, {
      field: 'repeats',
      value: kohyaRepeats,
    });
  }
  return kohyaRepeats - 1;
}

/**
 * SimpleTuner's `multidatabackend.json`: one image dataset with `.txt` captions beside the images and exactly one
 * default text-embeds dataset.
 */
export function buildMultiDataBackend(options: BuildMultiDataBackendOptions): SimpleTunerBackend[] {
  const { instanceDataDir, cacheDir, resolution, resolutionType, id = 'person' } = options;
  return [
    {
      id,
      type: 'local',
      instance_data_dir: instanceDataDir,
      caption_strategy: 'textfile',
      resolution,
      resolution_type: resolutionType,
      minimum_image_size: options.minimumImageSize ?? resolution / 2,
      crop: false,
      cache_dir_vae: `${cacheDir}/vae`,
      metadata_backend: 'discovery',
      repeats: simpleTunerRepeats(options.kohyaRepeats),
    },
    { id: 'text-embeds', type: 'local', dataset_type: 'text_embeds', default: true, cache_dir: `${cacheDir}/text` },
  ];
}

/** Counts image datasets and default text-embeds datasets; the pre-flight and {@link simpleTunerFiles} use it. */
export function countBackends(backends: readonly Record<string, unknown>[]): {
  images: number;
  defaultTextEmbeds: number;
} {
  let images = 0;
  let defaultTextEmbeds = 0;
  for (const backend of backends) {
    const type = backend.dataset_type ?? 'image';
    if (type === 'image') images++;
    if (type === 'text_embeds' && backend.default === true) defaultTextEmbeds++;
  }
  return { images, defaultTextEmbeds };
}
