import { ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import { familyPresets } from './family-presets.js';
import type { SimpleTunerConfig } from './simpletuner-config-schema.js';
import { normaliseConfigKeys, validateSimpleTunerConfig } from './validate-simpletuner-config.js';

/** Options for {@link buildSimpleTunerConfig}. */
export interface BuildSimpleTunerConfigOptions {
  /** The base model family; picks the preset. */
  family: ModelFamily;
  /** The trigger word the LoRA learns (e.g. `andie`); used in the validation prompt. */
  trigger: string;
  /** The class word (e.g. `woman`). @default 'person' */
  classWord?: string;
  /** Any config keys to set over the preset (SimpleTuner names; a leading `--` is accepted). */
  overrides?: Record<string, unknown>;
}

/**
 * Builds a SimpleTuner `config.json` for a LoRA of a person: the family's preset, the validation prompt from the
 * trigger word, then the user's overrides, validated before anything is rented.
 *
 * @example
 * ```ts
 * const config = buildSimpleTunerConfig({ family: 'flux', trigger: 'andie', classWord: 'woman', overrides: { max_train_steps: 2000 } });
 * ```
 * @throws ValidationError for a bad trigger word or an invalid resulting config (see `validateSimpleTunerConfig`).
 */
export function buildSimpleTunerConfig(options: BuildSimpleTunerConfigOptions): SimpleTunerConfig {
  const { family, trigger, classWord = 'person', overrides = {} } = options;
  if (!/^[\p{L}\p{N}_-]{2,40}$/u.test(trigger)) {
    throw new ValidationError(
      `The trigger word "${trigger}" must be one word of 2 to 40 letters, digits, "_" or "-".`,
      {
        field: 'trigger',
        value: trigger,
      },
    );
  }
  const config = {
    ...familyPresets[family].config,
    validation_prompt: `a photo of ${trigger} ${classWord}`,
    ...normaliseConfigKeys(overrides),
  };
  return validateSimpleTunerConfig(config, family);
}
