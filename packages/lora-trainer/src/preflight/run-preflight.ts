import { type CallOptions, ModelStudioError, ValidationError } from '@model-studio/core';
import type { CheckHubModelAccessOptions } from '../hub/check-hub-model-access.js';
import type { ModelFamily } from '../model-family.js';
import { familyPresets } from '../simpletuner/family-presets.js';
import type { SimpleTunerConfig } from '../simpletuner/simpletuner-config-schema.js';
import { validateSimpleTunerConfig } from '../simpletuner/validate-simpletuner-config.js';
import { engineOfConfig } from '../training-engine.js';
import { checkBuckets } from './bucket-check.js';
import { checkBackends, checkImagesAndCaptions } from './dataset-checks.js';
import { estimateCaptionTokens } from './estimate-caption-tokens.js';
import type { GpuOffer, PreflightFinding, PreflightImage } from './preflight-finding.js';
import { configFinding, hubFindings } from './preflight-shared.js';
import { checkBudget, checkGpu, checkLoraSize, expectedLoraBytes } from './resource-checks.js';
import { runAiToolkitPreflight } from './run-ai-toolkit-preflight.js';

/** Input of {@link runPreflight}: everything known before a GPU is rented. */
export interface PreflightInput extends CallOptions {
  family: ModelFamily;
  /** The SimpleTuner config or ai-toolkit job config (validated again here; its shape says which engine). */
  config: Record<string, unknown>;
  /** The entries of SimpleTuner's `multidatabackend.json` (from `buildMultiDataBackend`); ai-toolkit has none. */
  backends?: readonly object[];
  /** The dataset's images with their sizes and captions. */
  images: readonly PreflightImage[];
  /** Counts a caption's tokens for the family's encoder. @default estimateCaptionTokens (conservative) */
  tokenCount?: (text: string) => number;
  /** The Hub check of the base model (`pretrained_model_name_or_path`); `false` skips it (an `info` finding says so). */
  hub?: Omit<CheckHubModelAccessOptions, 'model' | 'signal'> | false;
  /** GPU types on offer, and the one chosen (the cheapest that fits when omitted). */
  gpu?: { catalog: readonly GpuOffer[]; gpuId?: string | undefined };
  /** Spending limit for this training. */
  budget?: { maxUsd: number; pricePerHourUsd?: number; secondsPerStep?: number; overheadMinutes?: number };
  /** Largest acceptable LoRA file. @default 100_000_000 (100 MB) */
  maxLoraBytes?: number;
  /** Above `maxLoraBytes`: block (`refuse`) or warn. @default 'refuse' */
  loraSizePolicy?: 'refuse' | 'warn';
}

/** What {@link runPreflight} found and estimated. */
export interface PreflightReport {
  /** True when no finding is an error. */
  ok: boolean;
  findings: PreflightFinding[];
  estimates: {
    loraBytes?: number;
    vramGb?: number;
    ramGb?: number;
    gpuId?: string;
    hours?: number;
    costUsd?: number;
  };
}

function datasetFindings(input: PreflightInput, config: SimpleTunerConfig): PreflightFinding[] {
  const tokenLimit = familyPresets[input.family].captionTokenLimit;
  const backends = (input.backends ?? []) as readonly Record<string, unknown>[];
  const findings = [
    ...checkBackends(backends),
    ...checkImagesAndCaptions(input.images, tokenLimit, input.tokenCount ?? estimateCaptionTokens),
  ];
  const image = backends.find((backend) => (backend.dataset_type ?? 'image') === 'image');
  if (image) {
    findings.push(
      ...checkBuckets(input.images, {
        resolution: Number(image.resolution ?? config.resolution),
        resolutionType: (image.resolution_type ?? config.resolution_type) as SimpleTunerConfig['resolution_type'],
        minimumImageSize: Number(image.minimum_image_size ?? 0),
        batchSize: config.train_batch_size,
        repeats: Number(image.repeats ?? 0),
      }),
    );
  }
  return findings;
}

/**
 * Runs every check that can fail a training, before any GPU is rented, for either engine (an ai-toolkit job config
 * goes to `runAiToolkitPreflight`): the config, the dataset (aspect buckets for
 * the batch size and `minimum_image_size`, webp, captions present and within the family's token limit, exactly one
 * default text-embeds dataset), the base model's access on the Hub with the user's token, the expected LoRA size, the
 * GPU's VRAM and system RAM, and the budget. Each finding has a fix hint.
 *
 * @example
 * ```ts
 * const report = await runPreflight({ family: 'flux', config, backends, images, hub: { token: process.env.HF_TOKEN } });
 * assertPreflightPassed(report);
 * ```
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightReport> {
  if (engineOfConfig(input.config) === 'ai-toolkit') return runAiToolkitPreflight(input);
  let config: SimpleTunerConfig;
  try {
    config = validateSimpleTunerConfig(input.config, input.family);
  } catch (error) {
    if (!ModelStudioError.isInstance(error)) throw error;
    return { ok: false, findings: [configFinding(error, 'SimpleTuner')], estimates: {} };
  }
  const findings = datasetFindings(input, config);
  const estimates: PreflightReport['estimates'] = { loraBytes: expectedLoraBytes(input.family, config) };
  findings.push(
    ...checkLoraSize(estimates.loraBytes as number, input.maxLoraBytes ?? 100e6, input.loraSizePolicy ?? 'refuse'),
  );
  let price = input.budget?.pricePerHourUsd;
  if (input.gpu) {
    const gpu = checkGpu(input.family, config, input.gpu.catalog, input.gpu.gpuId);
    findings.push(...gpu.findings);
    Object.assign(estimates, { vramGb: gpu.need.vramGb, ramGb: gpu.need.ramGb, gpuId: gpu.chosen?.id });
    price ??= gpu.chosen?.pricePerHourUsd;
  }
  if (input.budget) {
    const budget = checkBudget({ family: input.family, config, ...input.budget, pricePerHourUsd: price });
    findings.push(...budget.findings);
    estimates.hours = budget.hours;
    if (budget.costUsd !== undefined) estimates.costUsd = budget.costUsd;
  }
  findings.push(...(await hubFindings(input, config.pretrained_model_name_or_path)));
  return { ok: !findings.some((finding) => finding.severity === 'error'), findings, estimates };
}

/**
 * Throws when the report has errors, listing each with its fix.
 *
 * @throws ValidationError naming every failed check.
 */
export function assertPreflightPassed(report: PreflightReport): void {
  const errors = report.findings.filter((finding) => finding.severity === 'error');
  if (errors.length === 0) return;
  const lines = errors.map((finding) => `- [${finding.check}] ${finding.message} Fix: ${finding.fix}`);
  throw new ValidationError(`The pre-flight checks failed; nothing was rented:\n${lines.join('\n')}`, {
    field: 'preflight',
  });
}
