/**
 * The programs this package trains LoRAs with, behind the same `Trainer`:
 *
 * - `simpletuner`: bghira/SimpleTuner (AGPL-3.0), a `config.json` plus `multidatabackend.json`.
 * - `ai-toolkit`: ostris/ai-toolkit (MIT), a YAML job config run with `python run.py <config>`.
 *
 * Both are installed on the training machine at a pinned release and never bundled.
 */
export type TrainingEngine = 'simpletuner' | 'ai-toolkit';

/** Every {@link TrainingEngine}, the default first. */
export const trainingEngines: readonly TrainingEngine[] = ['simpletuner', 'ai-toolkit'];

/** Whether `value` is a {@link TrainingEngine}. */
export function isTrainingEngine(value: unknown): value is TrainingEngine {
  return value === 'simpletuner' || value === 'ai-toolkit';
}

/**
 * The engine a trainer config is written for, from its shape: an ai-toolkit job config has top-level `job` and
 * `config.process[]`; anything else is a SimpleTuner `config.json`. The runners, the sandbox and the LoRA versions
 * use it, so a `TrainingRequest.config` alone says which engine trains it.
 */
export function engineOfConfig(config: Record<string, unknown>): TrainingEngine {
  const inner = config.config as { process?: unknown } | undefined;
  return typeof config.job === 'string' && typeof inner === 'object' && inner !== null && Array.isArray(inner.process)
    ? 'ai-toolkit'
    : 'simpletuner';
}
