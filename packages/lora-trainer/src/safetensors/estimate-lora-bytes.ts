import { ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import { type LoraLayer, loraLayers } from './lora-layers.js';
import { dtypeBytes } from './safetensors-header.js';

/** Options for {@link estimateLoraBytes}. */
export interface EstimateLoraBytesOptions {
  /** The base model family. */
  family: ModelFamily;
  /** LoRA rank. */
  rank: number;
  /** Element type (`BF16`, `F16`, `F32`). @default 'BF16' */
  dtype?: string;
  /** The targeted layers; the family's SimpleTuner defaults when omitted (see `loraLayers`). */
  layers?: readonly LoraLayer[];
}

/** Header bytes counted per tensor (name, dtype, shape and offsets in JSON); real headers need 90-140. */
const headerBytesPerTensor = 128;

/**
 * The expected size of a LoRA file in bytes: `rank x (in + out)` elements per targeted layer times the dtype's width,
 * plus about 128 header bytes per tensor. For FLUX rank 16 bf16 (266 layers) that is about 52 MB, matching what
 * SimpleTuner writes with `flux_lora_target "all"`.
 *
 * @throws ValidationError for a bad rank or an unknown dtype.
 */
export function estimateLoraBytes(options: EstimateLoraBytesOptions): number {
  const { family, rank, dtype = 'BF16' } = options;
  if (!Number.isInteger(rank) || rank < 1) {
    throw new ValidationError(`LoRA rank must be a positive integer, got ${rank}.`, { field: 'rank', value: rank });
  }
  const width = dtypeBytes[dtype];
  if (width === undefined) {
    throw new ValidationError(`Unknown dtype "${dtype}": use BF16, F16 or F32.`, { field: 'dtype', value: dtype });
  }
  const layers = options.layers ?? loraLayers(family);
  let elements = 0;
  for (const layer of layers) elements += rank * (layer.inFeatures + layer.outFeatures);
  return elements * width + layers.length * 2 * headerBytesPerTensor + 8;
}
