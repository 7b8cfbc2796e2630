import { ModelStudioError } from '@model-studio/core';
import type { AiToolkitConfig } from '../ai-toolkit/ai-toolkit-config-schema.js';
import { validateAiToolkitConfig } from '../ai-toolkit/validate-ai-toolkit-config.js';
import type { ModelFamily } from '../model-family.js';
import { estimateLoraBytes } from '../safetensors/estimate-lora-bytes.js';
import { type LoraLayer, loraLayers } from '../safetensors/lora-layers.js';
import { familyPresets } from '../simpletuner/family-presets.js';
import { checkBuckets } from './bucket-check.js';
import { checkImagesAndCaptions } from './dataset-checks.js';
import { estimateCaptionTokens } from './estimate-caption-tokens.js';
import type { PreflightFinding } from './preflight-finding.js';
import { configFinding, hubFindings } from './preflight-shared.js';
import { checkBudget, checkGpu, checkLoraSize } from './resource-checks.js';
import type { PreflightInput, PreflightReport } from './run-preflight.js';

type Network = AiToolkitConfig['config']['process'][number]['network'];

/** The layers an ai-toolkit LoRA adapts: FLUX every linear layer, filtered by `network_kwargs` as ai-toolkit does. */
export function aiToolkitLoraLayers(family: ModelFamily, network: Network): readonly LoraLayer[] {
  const all = loraLayers(family, family === 'flux' ? { fluxTarget: 'all-linear' } : {});
  const only = network.network_kwargs?.only_if_contains;
  const ignore = network.network_kwargs?.ignore_if_contains ?? [];
  return all.filter(
    (layer) =>
      (only === undefined || only.some((part) => layer.path.includes(part))) &&
      !ignore.some((part) => layer.path.includes(part)),
  );
}

/**
 * The expected size in bytes of the LoRA an ai-toolkit config writes: rank x (in + out) per adapted layer at the
 * `save.dtype` width. FLUX on every linear layer is 5,369,856 parameters per rank: rank 16 in 16 bits is ~172 MB.
 */
export function expectedAiToolkitLoraBytes(family: ModelFamily, config: AiToolkitConfig): number {
  const process = config.config.process[0]!;
  const dtype = process.save.dtype === 'float32' ? 'F32' : process.save.dtype === 'bf16' ? 'BF16' : 'F16';
  const layers = aiToolkitLoraLayers(family, process.network);
  return estimateLoraBytes({ family, rank: process.network.linear, dtype, layers });
}

const mb = (bytes: number) => `~${Math.round(bytes / 1e6)} MB`;

/** What fits under the size limit: the largest power-of-two rank, and for FLUX the double blocks only. */
function loraSizeFix(family: ModelFamily, config: AiToolkitConfig, maxBytes: number): string {
  const process = config.config.process[0]!;
  const size = (rank: number, network: Network) =>
    expectedAiToolkitLoraBytes(family, {
      ...config,
      config: { ...config.config, process: [{ ...process, network: { ...network, linear: rank } }] },
    });
  const options: string[] = [];
  for (let rank = process.network.linear / 2; rank >= 1; rank /= 2) {
    if (Number.isInteger(rank) && size(rank, process.network) <= maxBytes) {
      options.push(
        `network.linear ${rank} / linear_alpha ${rank} (${mb(size(rank, process.network))}; 'network.linear': ${rank})`,
      );
      break;
    }
  }
  if (family === 'flux') {
    const fewer: Network = {
      ...process.network,
      network_kwargs: { ignore_if_contains: ['single_transformer_blocks'] },
    };
    const bytes = size(process.network.linear, fewer);
    if (bytes <= maxBytes)
      options.push(
        `fewer layers: the 19 double blocks only at rank ${process.network.linear} (${mb(bytes)}; network.network_kwargs.ignore_if_contains: [single_transformer_blocks])`,
      );
  }
  return options.length > 0
    ? `Use ${options.join(', or ')}.`
    : 'Lower network.linear or target fewer layers (network.network_kwargs).';
}

function datasetFindings(input: PreflightInput, config: AiToolkitConfig): PreflightFinding[] {
  const process = config.config.process[0]!;
  const tokenLimit = familyPresets[input.family].captionTokenLimit;
  const findings = checkImagesAndCaptions(input.images, tokenLimit, input.tokenCount ?? estimateCaptionTokens).map(
    (finding): PreflightFinding =>
      finding.check === 'webp'
        ? {
            ...finding,
            severity: 'warning',
            message: `${finding.images?.length ?? 0} webp image(s): ai-toolkit's README says webp "currently has issues".`,
          }
        : finding,
  );
  const dataset = process.datasets[0]!;
  findings.push(
    ...checkBuckets(input.images, {
      resolution: Math.max(...dataset.resolution),
      resolutionType: 'pixel_area',
      minimumImageSize: 0,
      batchSize: process.train.batch_size,
      repeats: (dataset.num_repeats ?? 1) - 1,
    }),
  );
  if (input.family === 'flux' && process.network.linear_alpha !== process.network.linear) {
    findings.push({
      check: 'config',
      severity: 'info',
      message: `network.linear_alpha ${process.network.linear_alpha} differs from the rank ${process.network.linear}; ai-toolkit writes FLUX LoRAs in PEFT format with alpha equal to the rank, so it has no effect.`,
      fix: 'Set linear_alpha to the rank to say what is trained.',
    });
  }
  return findings;
}

/**
 * The pre-flight for an ai-toolkit job config, with the same checks as SimpleTuner's where they apply: the config,
 * captions (present, within the family's token limit; webp is a warning), aspect buckets for the batch size (ai-toolkit
 * keeps small images), the expected LoRA size with what fits under the limit, the GPU's VRAM and system RAM for
 * `model.quantize`, the budget and the base model's access on the Hub. `runPreflight` calls it for ai-toolkit configs.
 */
export async function runAiToolkitPreflight(input: PreflightInput): Promise<PreflightReport> {
  let config: AiToolkitConfig;
  try {
    config = validateAiToolkitConfig(input.config, input.family);
  } catch (error) {
    if (!ModelStudioError.isInstance(error)) throw error;
    return { ok: false, findings: [configFinding(error, 'ai-toolkit')], estimates: {} };
  }
  const process = config.config.process[0]!;
  const findings = datasetFindings(input, config);
  const maxBytes = input.maxLoraBytes ?? 100e6;
  const estimates: PreflightReport['estimates'] = { loraBytes: expectedAiToolkitLoraBytes(input.family, config) };
  findings.push(
    ...checkLoraSize(
      estimates.loraBytes as number,
      maxBytes,
      input.loraSizePolicy ?? 'refuse',
      loraSizeFix(input.family, config, maxBytes),
    ),
  );
  const shape = {
    base_model_precision: process.model.quantize ? ('int8-quanto' as const) : ('no_change' as const),
    train_batch_size: process.train.batch_size,
    max_train_steps: process.train.steps,
  };
  let price = input.budget?.pricePerHourUsd;
  if (input.gpu) {
    const what = `${input.family} with model.quantize ${process.model.quantize}`;
    const gpu = checkGpu(input.family, shape, input.gpu.catalog, input.gpu.gpuId, what);
    findings.push(...gpu.findings);
    Object.assign(estimates, { vramGb: gpu.need.vramGb, ramGb: gpu.need.ramGb, gpuId: gpu.chosen?.id });
    price ??= gpu.chosen?.pricePerHourUsd;
  }
  if (input.budget) {
    const budget = checkBudget({ family: input.family, config: shape, ...input.budget, pricePerHourUsd: price });
    findings.push(...budget.findings);
    estimates.hours = budget.hours;
    if (budget.costUsd !== undefined) estimates.costUsd = budget.costUsd;
  }
  findings.push(...(await hubFindings(input, process.model.name_or_path)));
  return { ok: !findings.some((finding) => finding.severity === 'error'), findings, estimates };
}
