import type { AiToolkitConfig } from './ai-toolkit-config-schema.js';

/** What a run of an ai-toolkit config will write, from the config alone. */
export interface AiToolkitRunFacts {
  /** `config.name`: `<training_folder>/<name>/`. */
  name: string;
  steps: number;
  rank: number;
  saveEvery: number;
  sampleEvery: number;
  /** Prompts per sample set. */
  prompts: number;
  /** Steps with a `<name>_<step>.safetensors` checkpoint (every `save_every`, before the final step). */
  checkpointSteps: number[];
  /** Steps with a sample set: 0 (baseline), every `sample_every`, and the last step. */
  sampleSteps: number[];
}

/** The step as ai-toolkit pads it in file names: 9 digits. */
export function padAiToolkitStep(step: number): string {
  return String(step).padStart(9, '0');
}

/** The facts of a run of `config` (first process). */
export function aiToolkitRunFacts(config: AiToolkitConfig): AiToolkitRunFacts {
  const process = config.config.process[0]!;
  const steps = process.train.steps;
  const saveEvery = process.save.save_every;
  const sampleEvery = process.sample.sample_every;
  const checkpointSteps: number[] = [];
  for (let step = saveEvery; step < steps; step += saveEvery) checkpointSteps.push(step);
  const sampleSteps = [0];
  for (let step = sampleEvery; step < steps; step += sampleEvery) sampleSteps.push(step);
  sampleSteps.push(steps);
  return {
    name: config.config.name,
    steps,
    rank: process.network.linear,
    saveEvery,
    sampleEvery,
    prompts: process.sample.prompts.length,
    checkpointSteps,
    sampleSteps,
  };
}

/**
 * File names ai-toolkit writes under `<training_folder>/<name>/` (its `BaseSDTrainProcess`):
 * `<name>.safetensors` (final), `<name>_<step, 9 digits>.safetensors` (checkpoints),
 * `samples/<ms epoch>__<step, 9 digits>_<prompt index>.jpg` (note the double underscore), `loss_log.db`, `config.yaml`.
 */
export const aiToolkitFileNames = {
  final: (name: string) => `${name}.safetensors`,
  checkpoint: (name: string, step: number) => `${name}_${padAiToolkitStep(step)}.safetensors`,
  sample: (epochMs: number, step: number, prompt: number) => `${epochMs}__${padAiToolkitStep(step)}_${prompt}.jpg`,
  lossLog: 'loss_log.db',
} as const;

/** The step of an ai-toolkit checkpoint or sample file name, or `undefined`. */
export function aiToolkitFileStep(file: string): number | undefined {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const match = /__(\d{9})_\d+\.(?:jpg|jpeg|png|webp)$/i.exec(base) ?? /_(\d{9})\.safetensors$/.exec(base);
  return match ? Number(match[1]) : undefined;
}
