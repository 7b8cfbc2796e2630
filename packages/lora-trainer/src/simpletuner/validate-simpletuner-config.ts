import { ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import { familyPresets } from './family-presets.js';
import { type SimpleTunerConfig, simpleTunerConfigSchema } from './simpletuner-config-schema.js';

const placeholder = /^<.*>$|CHANGE[_-]?ME|REPLACE[_-]?ME|YOUR[_-]/i;

function crossFieldProblems(config: SimpleTunerConfig, family: ModelFamily): string[] {
  const problems: string[] = [];
  const preset = familyPresets[family];
  if (config.model_family !== preset.modelFamily) {
    problems.push(
      `model_family "${config.model_family}" does not match the ${family} preset ("${preset.modelFamily}")`,
    );
  }
  if (!preset.flavours.includes(config.model_flavour)) {
    problems.push(
      `model_flavour "${config.model_flavour}" is not a ${family} flavour (use one of: ${preset.flavours.join(', ')})`,
    );
  }
  if (config.max_train_steps > 0 && config.num_train_epochs > 0) {
    problems.push(
      'max_train_steps and num_train_epochs are both set: set num_train_epochs to 0 when training by steps',
    );
  }
  if (config.max_train_steps === 0 && config.num_train_epochs === 0) {
    problems.push('neither max_train_steps nor num_train_epochs is set: set max_train_steps (e.g. 1500)');
  }
  if (config.resolution_type !== 'area' && config.resolution < 512) {
    problems.push(
      `resolution ${config.resolution} px is below 512 (resolution_type "${config.resolution_type}"): use 512 or more`,
    );
  }
  if (config.resolution_type === 'area' && config.resolution > 16) {
    problems.push(`resolution ${config.resolution} looks like pixels but resolution_type "area" means megapixels`);
  }
  if (config.model_type !== 'lora')
    problems.push('model_type must be "lora" (SimpleTuner defaults to a full fine-tune)');
  if (family !== 'flux' && config.flux_lora_target !== undefined) problems.push('flux_lora_target is for FLUX only');
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && placeholder.test(value))
      problems.push(`${key} still holds a placeholder ("${value}")`);
  }
  return problems;
}

/** Strips SimpleTuner's optional leading `--` from keys. */
export function normaliseConfigKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/^--/, ''), value]));
}

/**
 * Checks a SimpleTuner config before launch: the schema (no unknown keys, types, ranges) and the rules that burn users
 * (steps and epochs both set, a pixel resolution below 512, a flavour outside the family's list, placeholders).
 *
 * @returns the config with normalised keys.
 * @throws ValidationError listing every problem, one per line.
 */
export function validateSimpleTunerConfig(config: Record<string, unknown>, family: ModelFamily): SimpleTunerConfig {
  const parsed = simpleTunerConfigSchema.safeParse(normaliseConfigKeys(config));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling against SimpleTuner's OPTIONS.md`;
      }
      return `${issue.path.join('.') || 'config'}: ${issue.message}`;
    });
    throw new ValidationError(`The SimpleTuner config is invalid:\n- ${lines.join('\n- ')}`, { field: 'config' });
  }
  const problems = crossFieldProblems(parsed.data, family);
  if (problems.length > 0) {
    throw new ValidationError(`The SimpleTuner config is invalid:\n- ${problems.join('\n- ')}`, { field: 'config' });
  }
  return parsed.data;
}
