import { aiToolkitConfigSchema } from '../ai-toolkit/ai-toolkit-config-schema.js';
import { aiToolkitFileNames, aiToolkitRunFacts, padAiToolkitStep } from '../ai-toolkit/ai-toolkit-outputs.js';
import { engineOfConfig } from '../training-engine.js';
import { podOutputs } from './pod-protocol.js';

/** One file a pod uploads besides the LoRA, metrics, log and status: where it is on the pod, where it goes. */
export interface PodOutputEntry {
  /** Path relative to the pod's work folder; `*` matches any run of characters but `/`. */
  pattern: string;
  /** Name under the job's output prefix. */
  name: string;
}

/** What a pod uploads for a config, by engine. */
export interface PodOutputPlan {
  /** Pod path of the final LoRA (relative to the work folder). */
  lora: string;
  /** Its name under the output prefix. */
  loraName: string;
  /** Checkpoints and step samples. */
  outputs: PodOutputEntry[];
  /** Whether the final validation samples go to `MS_PUT_SAMPLES` (`samples/sample-<i>.png`). */
  finalSamples: boolean;
}

function stepsOf(every: unknown, total: unknown): number[] {
  const steps: number[] = [];
  if (typeof every !== 'number' || typeof total !== 'number' || every <= 0) return steps;
  for (let step = every; step < total && steps.length < 100; step += every) steps.push(step);
  return steps;
}

/**
 * The files a training pod uploads, per engine (the layout `listCheckpoints` reads back):
 *
 * - ai-toolkit (`training_folder` `output`): `output/<name>/<name>.safetensors` as `<name>.safetensors`, every
 *   `output/<name>/<name>_<N, 9 digits>.safetensors` as `checkpoints/<same name>`, and every sample
 *   `output/<name>/samples/<ms>__<N, 9 digits>_<i>.jpg` as `samples/<N, 9 digits>_<i>.jpg` (the time stamp is not
 *   known in advance).
 * - SimpleTuner (`output_dir` `output`): `output/pytorch_lora_weights.safetensors`, every
 *   `output/checkpoint-<N>/pytorch_lora_weights.safetensors` as `checkpoints/checkpoint-<N>/...`, the step samples
 *   `output/validation_images/step-<N>-<i>.png` as `samples/step-<N>-<i>.png` (the sandbox writes these names;
 *   SimpleTuner's own validation file names are unconfirmed, so a real pod may upload only the final samples).
 */
export function podOutputPlan(config: Record<string, unknown>, samplesPerStep = 2): PodOutputPlan {
  if (engineOfConfig(config) === 'ai-toolkit') {
    const facts = aiToolkitRunFacts(aiToolkitConfigSchema.parse(config));
    const dir = `output/${facts.name}`;
    const outputs: PodOutputEntry[] = facts.checkpointSteps.map((step) => ({
      pattern: `${dir}/${aiToolkitFileNames.checkpoint(facts.name, step)}`,
      name: `${podOutputs.checkpoints}${aiToolkitFileNames.checkpoint(facts.name, step)}`,
    }));
    for (const step of facts.sampleSteps) {
      for (let prompt = 0; prompt < facts.prompts; prompt++) {
        const suffix = `${padAiToolkitStep(step)}_${prompt}.jpg`;
        outputs.push({ pattern: `${dir}/samples/*__${suffix}`, name: `samples/${suffix}` });
      }
    }
    const loraName = aiToolkitFileNames.final(facts.name);
    return { lora: `${dir}/${loraName}`, loraName, outputs, finalSamples: false };
  }
  const outputs: PodOutputEntry[] = [];
  for (const step of stepsOf(config.checkpoint_step_interval, config.max_train_steps)) {
    const name = `checkpoint-${step}/${podOutputs.lora}`;
    outputs.push({ pattern: `output/${name}`, name: `${podOutputs.checkpoints}${name}` });
  }
  for (const step of stepsOf(config.validation_step_interval, config.max_train_steps)) {
    for (let index = 0; index < samplesPerStep; index++) {
      const name = `step-${step}-${index}.png`;
      outputs.push({ pattern: `output/validation_images/${name}`, name: `samples/${name}` });
    }
  }
  return { lora: `output/${podOutputs.lora}`, loraName: podOutputs.lora, outputs, finalSamples: true };
}

/** Whether a pod file path matches a {@link PodOutputEntry.pattern}. */
export function matchesPodPattern(pattern: string, path: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${source}$`).test(path);
}
