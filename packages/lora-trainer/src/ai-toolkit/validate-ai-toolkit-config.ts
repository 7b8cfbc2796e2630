import { ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import { type AiToolkitConfig, aiToolkitConfigSchema } from './ai-toolkit-config-schema.js';
import { aiToolkitPresets } from './ai-toolkit-presets.js';

const placeholder = /^<.*>$|CHANGE[_-]?ME|REPLACE[_-]?ME|YOUR[_-]/i;

function placeholders(value: unknown, path: string, found: string[]): void {
  if (typeof value === 'string' && placeholder.test(value))
    found.push(`${path} still holds a placeholder ("${value}")`);
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) placeholders(item, `${path}[${index}]`, found);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) placeholders(item, path ? `${path}.${key}` : key, found);
}

function crossFieldProblems(config: AiToolkitConfig, family: ModelFamily): string[] {
  const problems: string[] = [];
  const process = config.config.process[0]!;
  const arch = aiToolkitPresets[family].arch;
  if (process.model.arch !== arch)
    problems.push(`model.arch "${process.model.arch}" does not match the ${family} preset ("${arch}")`);
  if (process.sample.sampler !== process.train.noise_scheduler) {
    problems.push(
      `sample.sampler "${process.sample.sampler}" must match train.noise_scheduler "${process.train.noise_scheduler}"`,
    );
  }
  for (const [index, dataset] of process.datasets.entries()) {
    for (const resolution of dataset.resolution) {
      if (resolution < 256 || resolution % 64 !== 0)
        problems.push(`datasets[${index}].resolution ${resolution} must be a multiple of 64 of at least 256`);
    }
  }
  if (process.save.save_every > process.train.steps)
    problems.push(
      `save.save_every ${process.save.save_every} is above train.steps ${process.train.steps}: no checkpoint would be saved before the end`,
    );
  if (process.sample.sample_every > process.train.steps)
    problems.push(`sample.sample_every ${process.sample.sample_every} is above train.steps ${process.train.steps}`);
  if (family === 'flux' && process.train.train_text_encoder)
    problems.push('train.train_text_encoder must be false for FLUX (ai-toolkit: "probably won\'t work with flux")');
  placeholders(config, '', problems);
  return problems;
}

/**
 * Checks an ai-toolkit job config before anything is rented: the strict schema (no unknown key at any level, types,
 * ranges) and the rules that fail or waste runs (an arch outside the family, a sampler that differs from the noise
 * scheduler, resolutions that are not multiples of 64, checkpoints or samples never reached, FLUX text-encoder
 * training, placeholders).
 *
 * @returns the parsed config.
 * @throws ValidationError listing every problem, one per line.
 */
export function validateAiToolkitConfig(config: unknown, family: ModelFamily): AiToolkitConfig {
  const parsed = aiToolkitConfigSchema.safeParse(config);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.') || 'config';
      if (issue.code === 'unrecognized_keys') {
        return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling against ai-toolkit's config/examples`;
      }
      return `${path}: ${issue.message}`;
    });
    throw new ValidationError(`The ai-toolkit config is invalid:\n- ${lines.join('\n- ')}`, { field: 'config' });
  }
  const problems = crossFieldProblems(parsed.data, family);
  if (problems.length > 0) {
    throw new ValidationError(`The ai-toolkit config is invalid:\n- ${problems.join('\n- ')}`, { field: 'config' });
  }
  return parsed.data;
}

const archFamilies: Readonly<Record<string, ModelFamily>> = { flux: 'flux', sdxl: 'sdxl', sd1: 'sd15' };

/**
 * Validates an ai-toolkit job config for the family its `model.arch` names (the trainers call it before anything is
 * rented: a `TrainingRequest` carries no family).
 *
 * @throws ValidationError listing every problem.
 */
export function validateAiToolkitJob(config: unknown): AiToolkitConfig {
  const arch = (config as { config?: { process?: Array<{ model?: { arch?: unknown } }> } } | undefined)?.config
    ?.process?.[0]?.model?.arch;
  return validateAiToolkitConfig(config, archFamilies[String(arch)] ?? 'flux');
}
