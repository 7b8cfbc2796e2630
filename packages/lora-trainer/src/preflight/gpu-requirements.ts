import type { ModelFamily } from '../model-family.js';

/** VRAM and system RAM a LoRA training needs, in GB. */
export interface GpuRequirements {
  vramGb: number;
  ramGb: number;
}

/**
 * Conservative needs of a LoRA training at batch size 1 with gradient checkpointing, by family and
 * `base_model_precision` (SimpleTuner's published figures, rounded up): FLUX quantised (int8/fp8) 24 GB VRAM and
 * ~50 GB system RAM for the quantisation step, int4 16 GB VRAM, unquantised bf16 40 GB VRAM; SDXL 16 GB (12 quantised);
 * SD1.5 8 GB. Each extra image per batch adds 4, 2 and 1 GB of VRAM.
 */
export function gpuRequirements(family: ModelFamily, basePrecision: string, batchSize = 1): GpuRequirements {
  const quantised = basePrecision !== 'no_change';
  let need: GpuRequirements;
  let perImage: number;
  if (family === 'flux') {
    need = quantised ? { vramGb: basePrecision.startsWith('int4') ? 16 : 24, ramGb: 50 } : { vramGb: 40, ramGb: 32 };
    perImage = 4;
  } else if (family === 'sdxl') {
    need = { vramGb: quantised ? 12 : 16, ramGb: 24 };
    perImage = 2;
  } else {
    need = { vramGb: 8, ramGb: 16 };
    perImage = 1;
  }
  return { vramGb: need.vramGb + Math.max(0, batchSize - 1) * perImage, ramGb: need.ramGb };
}
