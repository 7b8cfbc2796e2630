import type { ModelFamily } from '../model-family.js';
import { estimateLoraBytes } from '../safetensors/estimate-lora-bytes.js';
import { loraLayers } from '../safetensors/lora-layers.js';
import type { SimpleTunerConfig } from '../simpletuner/simpletuner-config-schema.js';
import { type GpuRequirements, gpuRequirements } from './gpu-requirements.js';
import type { GpuOffer, PreflightFinding } from './preflight-finding.js';

/** Expected LoRA size from the config's rank, targeted layers and precision. */
export function expectedLoraBytes(family: ModelFamily, config: SimpleTunerConfig): number {
  const fluxTarget = config.flux_lora_target === 'all+ffs' ? 'all+ffs' : 'all';
  const dtype = config.mixed_precision === 'fp16' ? 'F16' : config.mixed_precision === 'no' ? 'F32' : 'BF16';
  return estimateLoraBytes({ family, rank: config.lora_rank, dtype, layers: loraLayers(family, { fluxTarget }) });
}

/** The LoRA file would exceed the size limit: an error (`refuse`) or a warning (`warn`). */
export function checkLoraSize(
  bytes: number,
  maxBytes: number,
  policy: 'refuse' | 'warn',
  fix = 'Lower lora_rank (FLUX rank 16 is about 52 MB) or target fewer layers (flux_lora_target "all").',
): PreflightFinding[] {
  if (bytes <= maxBytes) return [];
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  return [
    {
      check: 'lora-size',
      severity: policy === 'refuse' ? 'error' : 'warning',
      message: `The LoRA would be about ${mb(bytes)}, above the ${mb(maxBytes)} limit.`,
      fix,
    },
  ];
}

/** The chosen GPU (or, without one, any GPU on offer) has the VRAM and system RAM the training needs. */
export function checkGpu(
  family: ModelFamily,
  config: Pick<SimpleTunerConfig, 'base_model_precision' | 'train_batch_size'>,
  catalog: readonly GpuOffer[],
  gpuId: string | undefined,
  what = `${family} with base_model_precision "${config.base_model_precision}"`,
): { findings: PreflightFinding[]; need: GpuRequirements; chosen: GpuOffer | undefined } {
  const need = gpuRequirements(family, config.base_model_precision, config.train_batch_size);
  const enoughVram = [...catalog].filter((gpu) => gpu.memoryInGb >= need.vramGb).sort(byPrice);
  const enoughRam = (gpu: GpuOffer) => gpu.ramInGb === undefined || gpu.ramInGb >= need.ramGb;
  // Without a choice: the cheapest that fits, else the cheapest with enough VRAM (its RAM finding says what is wrong).
  const chosen = gpuId ? catalog.find((gpu) => gpu.id === gpuId) : (enoughVram.find(enoughRam) ?? enoughVram[0]);
  const findings: PreflightFinding[] = [];
  if (!chosen) {
    findings.push({
      check: 'gpu-vram',
      severity: 'error',
      message: gpuId
        ? `GPU type "${gpuId}" is not in the catalog.`
        : `No GPU on offer has the ${need.vramGb} GB VRAM that ${what} needs.`,
      fix: 'Pick a GPU type from the catalog with enough memory, or quantise the base model (int8-quanto).',
    });
    return { findings, need, chosen };
  }
  if (chosen.memoryInGb < need.vramGb) {
    findings.push({
      check: 'gpu-vram',
      severity: 'error',
      message: `${chosen.id} has ${chosen.memoryInGb} GB VRAM; ${what} needs ${need.vramGb} GB.`,
      fix: 'Choose a GPU with more memory, quantise the base model, or lower train_batch_size.',
    });
  }
  if (chosen.ramInGb === undefined) {
    findings.push({
      check: 'gpu-ram',
      severity: need.ramGb >= 50 ? 'warning' : 'info',
      message: `The system RAM of ${chosen.id} machines is not known; ${what} needs about ${need.ramGb} GB.`,
      fix: `Choose a pod with at least ${need.ramGb} GB of RAM.`,
    });
  } else if (chosen.ramInGb < need.ramGb) {
    findings.push({
      check: 'gpu-ram',
      severity: 'error',
      message: `${chosen.id} machines have ${chosen.ramInGb} GB RAM; ${what} needs about ${need.ramGb} GB (quantisation loads the model in RAM).`,
      fix: `Choose a machine with at least ${need.ramGb} GB RAM.`,
    });
  }
  return { findings, need, chosen };
}

function byPrice(a: GpuOffer, b: GpuOffer): number {
  return (a.pricePerHourUsd ?? Number.POSITIVE_INFINITY) - (b.pricePerHourUsd ?? Number.POSITIVE_INFINITY);
}

/** Seconds per training step at batch size 1 on a 24-48 GB GPU (conservative, SimpleTuner with gradient checkpointing). */
export const defaultSecondsPerStep: Readonly<Record<ModelFamily, number>> = { flux: 2.5, sdxl: 1.2, sd15: 0.5 };

/** Estimated hours and cost; an error when the cost is above the budget, a warning above 80% of it. */
export function checkBudget(options: {
  family: ModelFamily;
  config: Pick<SimpleTunerConfig, 'max_train_steps' | 'train_batch_size'>;
  maxUsd: number;
  pricePerHourUsd: number | undefined;
  secondsPerStep?: number | undefined;
  overheadMinutes?: number | undefined;
}): { findings: PreflightFinding[]; hours: number; costUsd: number | undefined } {
  const { family, config, maxUsd } = options;
  const secondsPerStep = (options.secondsPerStep ?? defaultSecondsPerStep[family]) * config.train_batch_size;
  const hours = (config.max_train_steps * secondsPerStep + (options.overheadMinutes ?? 20) * 60) / 3600;
  if (options.pricePerHourUsd === undefined) {
    const finding: PreflightFinding = {
      check: 'budget',
      severity: 'warning',
      message: `The GPU price is unknown, so the cost of about ${hours.toFixed(1)} h was not checked against $${maxUsd}.`,
      fix: 'Pass the GPU catalog with prices, or budget.pricePerHourUsd.',
    };
    return { findings: [finding], hours, costUsd: undefined };
  }
  const costUsd = Math.round(hours * options.pricePerHourUsd * 100) / 100;
  const findings: PreflightFinding[] = [];
  if (costUsd > maxUsd || costUsd > 0.8 * maxUsd) {
    findings.push({
      check: 'budget',
      severity: costUsd > maxUsd ? 'error' : 'warning',
      message: `Training is estimated at ${hours.toFixed(1)} h x $${options.pricePerHourUsd}/h = $${costUsd}, ${costUsd > maxUsd ? 'above' : 'close to'} the budget of $${maxUsd}.`,
      fix: 'Lower max_train_steps, choose a cheaper GPU, or raise the budget.',
    });
  }
  return { findings, hours, costUsd };
}
