import { ValidationError } from '@model-studio/core';
import { parse, stringify } from 'yaml';
import type { ModelFamily } from '../model-family.js';
import type { AiToolkitConfig } from './ai-toolkit-config-schema.js';
import { validateAiToolkitConfig } from './validate-ai-toolkit-config.js';

/**
 * The file ai-toolkit reads, as YAML (`python run.py config.yaml`): block style, keys in the builder's order, long
 * strings kept on one line.
 */
export function aiToolkitFiles(config: AiToolkitConfig): { 'config.yaml': string } {
  return { 'config.yaml': stringify(config, { lineWidth: 0 }) };
}

/**
 * Reads an ai-toolkit YAML (or JSON) job config and validates it for `family`.
 *
 * @throws ValidationError when the text is not YAML or the config is invalid.
 */
export function parseAiToolkitConfig(text: string, family: ModelFamily): AiToolkitConfig {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new ValidationError(
      `The ai-toolkit config is not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      { field: 'config' },
    );
  }
  return validateAiToolkitConfig(value, family);
}
