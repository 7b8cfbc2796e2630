import { buildAiToolkitConfig } from './ai-toolkit/build-ai-toolkit-config.js';
import type { ModelFamily } from './model-family.js';
import { buildSimpleTunerConfig } from './simpletuner/build-simpletuner-config.js';
import type { TrainingEngine } from './training-engine.js';

/** Options of {@link buildTrainingConfig}. */
export interface BuildTrainingConfigOptions {
  /** Which program trains. @default 'simpletuner' */
  engine?: TrainingEngine;
  family: ModelFamily;
  /** The trigger word the LoRA learns. */
  trigger: string;
  /** The class word (e.g. `woman`). @default 'person' */
  classWord?: string;
  /**
   * Training steps (`max_train_steps` / `train.steps`), over the preset. ai-toolkit below 1000 steps also saves a
   * checkpoint and samples every fifth of the run (the preset's 200 fits 1000 steps).
   */
  steps?: number;
  /** LoRA rank (`lora_rank` and `lora_alpha` / `network.linear` and `network.linear_alpha`), over the preset. */
  rank?: number;
  /** Engine-specific overrides (SimpleTuner keys, or ai-toolkit `process[0]` keys, nested or dotted). */
  overrides?: Record<string, unknown>;
}

/**
 * The config for `TrainingRequest.config` / `studio.train({ config })`, for either engine: the family's preset of
 * that engine, the steps and rank asked for, then the overrides, validated. The trainers (RunPod, local, the sandbox)
 * read the engine from the config's shape, so nothing else changes between engines.
 *
 * @example
 * ```ts
 * const config = buildTrainingConfig({ engine: 'ai-toolkit', family: 'flux', trigger: 'andie', classWord: 'woman', rank: 8 });
 * ```
 * @throws ValidationError for a bad trigger word or an invalid config.
 */
export function buildTrainingConfig(options: BuildTrainingConfigOptions): Record<string, unknown> {
  const { engine = 'simpletuner', family, trigger, steps, rank } = options;
  const classWord = options.classWord ?? 'person';
  if (engine === 'ai-toolkit') {
    // Fewer steps than the preset's checkpoint interval (200): a checkpoint and samples every fifth of the run.
    const every = steps !== undefined && steps < 1000 ? Math.max(1, Math.round(steps / 5)) : undefined;
    const overrides: Record<string, unknown> = {
      ...(steps !== undefined && { 'train.steps': steps }),
      ...(every !== undefined && { 'save.save_every': every, 'sample.sample_every': every }),
      ...(rank !== undefined && { 'network.linear': rank, 'network.linear_alpha': rank }),
      ...options.overrides,
    };
    return buildAiToolkitConfig({ family, trigger, classWord, overrides }) as unknown as Record<string, unknown>;
  }
  const overrides: Record<string, unknown> = {
    ...(steps !== undefined && { max_train_steps: steps }),
    ...(rank !== undefined && { lora_rank: rank, lora_alpha: rank }),
    ...options.overrides,
  };
  return buildSimpleTunerConfig({ family, trigger, classWord, overrides }) as Record<string, unknown>;
}
