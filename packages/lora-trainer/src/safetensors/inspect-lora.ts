import { ValidationError } from '@model-studio/core';
import type { LoraFormat } from './lora-tensors.js';
import { readSafetensorsHeader } from './safetensors-header.js';

/** What {@link inspectLora} finds in a LoRA file. */
export interface LoraInspection {
  /** The LoRA rank (first dimension of every down/A matrix). */
  rank: number;
  /** Key naming: diffusers (PEFT `lora_A`/`lora_B`) or ComfyUI (kohya `lora_down`/`lora_up`, `diffusion_model.`). */
  format: LoraFormat;
  /** The weights' element type, e.g. `BF16`. */
  dtype: string;
  /** Number of tensors. */
  tensors: number;
  /** File size in bytes. */
  bytes: number;
}

const downSuffixes = ['.lora_A.weight', '.lora_down.weight'];

function isComfyui(name: string): boolean {
  return (
    name.includes('.lora_down.') ||
    name.startsWith('lora_unet_') ||
    name.startsWith('lora_te') ||
    name.startsWith('lora_transformer_') ||
    name.startsWith('diffusion_model.')
  );
}

/**
 * Reads a LoRA `.safetensors` header and reports its rank, key format, dtype, tensor count and size, after checking it
 * (valid header, at least one LoRA down/A matrix, one rank and one weight dtype throughout).
 *
 * @throws ValidationError when the file is not a valid LoRA.
 */
export function inspectLora(bytes: Uint8Array): LoraInspection {
  const { tensors } = readSafetensorsHeader(bytes);
  const names = Object.keys(tensors);
  const ranks = new Set<number>();
  const dtypes = new Set<string>();
  let comfyui = 0;
  for (const name of names) {
    const info = tensors[name];
    if (!info) continue;
    if (isComfyui(name)) comfyui++;
    if (name.endsWith('.alpha')) continue;
    dtypes.add(info.dtype);
    if (downSuffixes.some((suffix) => name.endsWith(suffix)) && info.shape[0] !== undefined) ranks.add(info.shape[0]);
  }
  if (ranks.size === 0) {
    throw new ValidationError(
      'The .safetensors file holds no LoRA matrices (no "lora_A"/"lora_down" tensors): is it a full model instead of a LoRA?',
      { field: 'safetensors' },
    );
  }
  if (ranks.size > 1 || dtypes.size > 1) {
    throw new ValidationError(
      `The LoRA mixes ranks (${[...ranks].join(', ')}) or dtypes (${[...dtypes].join(', ')}): re-export it from the trainer.`,
      { field: 'safetensors' },
    );
  }
  return {
    rank: [...ranks][0] as number,
    format: comfyui > 0 ? 'comfyui' : 'diffusers',
    dtype: [...dtypes][0] as string,
    tensors: names.length,
    bytes: bytes.byteLength,
  };
}
