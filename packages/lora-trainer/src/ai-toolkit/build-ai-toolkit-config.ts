import { ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import type { AiToolkitConfig, AiToolkitProcess } from './ai-toolkit-config-schema.js';
import { aiToolkitPresets } from './ai-toolkit-presets.js';
import { validateAiToolkitConfig } from './validate-ai-toolkit-config.js';

/** A deep partial: every key optional at every level; arrays are replaced, not merged. */
export type AiToolkitOverrides = {
  [K in keyof AiToolkitProcess]?: AiToolkitProcess[K] extends readonly unknown[]
    ? AiToolkitProcess[K]
    : AiToolkitProcess[K] extends object
      ? { [P in keyof AiToolkitProcess[K]]?: AiToolkitProcess[K][P] }
      : AiToolkitProcess[K];
};

/** Options for {@link buildAiToolkitConfig}. */
export interface BuildAiToolkitConfigOptions {
  /** The base model family; picks the preset. */
  family: ModelFamily;
  /** The trigger word the LoRA learns (e.g. `andie`): `trigger_word`, `[trigger]` in captions and prompts. */
  trigger: string;
  /** The class word (e.g. `woman`), used in the sample prompts. @default 'person' */
  classWord?: string;
  /** `config.name`: the output folder and file names. @default `<trigger>_<family>_lora` */
  name?: string;
  /**
   * Values over the preset's `process[0]`, nested (`{ network: { linear: 8 } }`) or dotted (`{ 'network.linear': 8 }`).
   * Objects merge, arrays and scalars replace.
   */
  overrides?: AiToolkitOverrides | Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ 'a.b': 1 }` -> `{ a: { b: 1 } }`; nested objects pass through. */
export function expandDottedKeys(overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const parts = key.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) {
      if (!isPlainObject(target[part])) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    const last = parts.at(-1)!;
    target[last] = isPlainObject(value) && isPlainObject(target[last]) ? deepMerge(target[last], value) : value;
  }
  return out;
}

/** Merges `over` onto `base`: plain objects recursively, everything else (arrays included) replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

/**
 * Builds an ai-toolkit job config for a LoRA of a person: the family's preset (FLUX.1-dev: the prototype's working
 * run), the trigger word and sample prompts, then the user's overrides, validated before anything is rented.
 * Write it with `aiToolkitFiles` (YAML).
 *
 * @example
 * ```ts
 * const config = buildAiToolkitConfig({ family: 'flux', trigger: 'andie', classWord: 'woman', overrides: { network: { linear: 8, linear_alpha: 8 } } });
 * ```
 * @throws ValidationError for a bad trigger word or an invalid resulting config (see `validateAiToolkitConfig`).
 */
export function buildAiToolkitConfig(options: BuildAiToolkitConfigOptions): AiToolkitConfig {
  const { family, trigger, classWord = 'person' } = options;
  if (!/^[\p{L}\p{N}_-]{2,40}$/u.test(trigger)) {
    throw new ValidationError(
      `The trigger word "${trigger}" must be one word of 2 to 40 letters, digits, "_" or "-".`,
      { field: 'trigger', value: trigger },
    );
  }
  const preset = aiToolkitPresets[family].process;
  const base: Record<string, unknown> = {
    ...preset,
    trigger_word: trigger,
    sample: {
      ...preset.sample,
      prompts: [`a photo of [trigger] ${classWord}`, `a close-up portrait of [trigger] ${classWord}, natural light`],
    },
  };
  const process = deepMerge(base, expandDottedKeys((options.overrides ?? {}) as Record<string, unknown>));
  const name = options.name ?? `${trigger}_${family}_lora`.replace(/[^A-Za-z0-9_-]/g, '_');
  return validateAiToolkitConfig(
    { job: 'extension', config: { name, process: [process] }, meta: { name: '[name]', version: '1.0' } },
    family,
  );
}
