import { ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import { loraLayers } from './lora-layers.js';
import { type LoraDtype, type LoraFormat, loraLayerTensors } from './lora-tensors.js';
import { encodeSafetensorsHeader, type SafetensorsTensorSpec } from './safetensors-header.js';

/** Options for {@link sandboxLoraFile}. */
export interface SandboxLoraFileOptions {
  /** The base model family; decides the tensor names and shapes. */
  family: ModelFamily;
  /** LoRA rank (1 to 1024). */
  rank: number;
  /** Tensor naming. @default 'diffusers' */
  format?: LoraFormat;
  /** Element type. @default 'BF16' */
  dtype?: LoraDtype;
  /**
   * How many of the family's layers to include: a number keeps the file small (the emulator's default), `'all'`
   * writes a full-size file whose size matches a real LoRA of this rank. @default 4
   */
  layers?: number | 'all';
}

/**
 * A small but valid `.safetensors` LoRA for sandboxes: a real header with the family's LoRA tensor names and shapes
 * for `rank`, zero-filled tensors, and `__metadata__` saying `ms.sandbox: "true"`. It is not a trained model: the
 * RunPod emulator's pod uploads it so that the download and header checks run on a real file.
 *
 * @example
 * ```ts
 * const bytes = sandboxLoraFile({ family: 'flux', rank: 16 });
 * inspectLora(bytes).rank; // 16
 * ```
 * @throws ValidationError for a rank outside 1..1024 or a bad layer count.
 */
export function sandboxLoraFile(options: SandboxLoraFileOptions): Uint8Array {
  const { family, rank, format = 'diffusers', dtype = 'BF16', layers = 4 } = options;
  if (!Number.isInteger(rank) || rank < 1 || rank > 1024) {
    throw new ValidationError(`LoRA rank must be an integer from 1 to 1024, got ${rank}.`, {
      field: 'rank',
      value: rank,
    });
  }
  const all = loraLayers(family);
  if (layers !== 'all' && (!Number.isInteger(layers) || layers < 1)) {
    throw new ValidationError(`layers must be 'all' or a positive integer, got ${layers}.`, {
      field: 'layers',
      value: layers,
    });
  }
  const chosen = layers === 'all' ? all : all.slice(0, Math.min(layers, all.length));
  const tensors: SafetensorsTensorSpec[] = chosen.flatMap((layer) =>
    loraLayerTensors(family, layer, rank, format, dtype),
  );
  const metadata = {
    format: 'pt',
    'ms.sandbox': 'true',
    'ms.family': family,
    'ms.rank': String(rank),
    'ms.lora_format': format,
    'ms.layers': `${chosen.length}/${all.length}`,
  };
  const { header, dataLength } = encodeSafetensorsHeader(tensors, metadata);
  const file = new Uint8Array(header.byteLength + dataLength);
  file.set(header, 0);
  return file;
}
