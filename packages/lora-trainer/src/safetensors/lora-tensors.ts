import type { ModelFamily } from '../model-family.js';
import type { LoraLayer } from './lora-layers.js';
import type { SafetensorsTensorSpec } from './safetensors-header.js';

/** How a LoRA file names its tensors. */
export type LoraFormat = 'diffusers' | 'comfyui';

/** The dtypes a LoRA file is written in. */
export type LoraDtype = 'F16' | 'BF16' | 'F32';

/**
 * The kohya-style name ComfyUI loads: `lora_unet_down_blocks_1_attentions_0_..._to_q` (SDXL, SD1.5) or
 * `lora_transformer_transformer_blocks_0_attn_to_q` (FLUX, diffusers module names).
 */
export function comfyuiLayerName(family: ModelFamily, path: string): string {
  const prefix = family === 'flux' ? 'lora_transformer_' : 'lora_unet_';
  return prefix + path.replace(/^(transformer|unet)\./, '').replace(/\./g, '_');
}

/**
 * The tensors of one adapted layer: `lora_A` `[rank, in]` and `lora_B` `[out, rank]` in diffusers (PEFT) naming, or
 * `lora_down`, `lora_up` and a scalar `alpha` in ComfyUI (kohya) naming.
 */
export function loraLayerTensors(
  family: ModelFamily,
  layer: LoraLayer,
  rank: number,
  format: LoraFormat,
  dtype: LoraDtype,
): SafetensorsTensorSpec[] {
  if (format === 'diffusers') {
    return [
      { name: `${layer.path}.lora_A.weight`, dtype, shape: [rank, layer.inFeatures] },
      { name: `${layer.path}.lora_B.weight`, dtype, shape: [layer.outFeatures, rank] },
    ];
  }
  const name = comfyuiLayerName(family, layer.path);
  return [
    { name: `${name}.alpha`, dtype, shape: [] },
    { name: `${name}.lora_down.weight`, dtype, shape: [rank, layer.inFeatures] },
    { name: `${name}.lora_up.weight`, dtype, shape: [layer.outFeatures, rank] },
  ];
}
