/** A checkpoint of a training and the validation samples made at its step. */
export interface LoraCheckpoint {
  /** The training step it was saved at. */
  step: number;
  /** Its `.safetensors` file, relative to the version (or output) folder. */
  file: string;
  /** True for the final LoRA (the file a version records as its artifact). */
  final: boolean;
  /** Sample images made at this step, relative to the same folder, in prompt order. */
  samples: string[];
}

/** Options of {@link listCheckpoints}. */
export interface ListCheckpointsOptions {
  /** The last training step (a version's `metrics.steps`), for the final LoRA and step-less samples. */
  finalStep?: number;
}

const aiToolkitCheckpoint = /^checkpoints\/.+_(\d{9})\.safetensors$/;
const simpleTunerCheckpoint = /^checkpoints\/checkpoint-(\d+)\/[^/]+\.safetensors$/;
const aiToolkitSample = /^samples\/(?:\d+__)?(\d{9})_(\d+)\.(?:jpe?g|png|webp)$/i;
const simpleTunerSample = /^samples\/step-(\d+)-(\d+)\.(?:jpe?g|png|webp)$/i;
const steplessSample = /^samples\/[^/]+\.(?:jpe?g|png|webp)$/i;

function checkpointStep(file: string): number | undefined {
  const match = aiToolkitCheckpoint.exec(file) ?? simpleTunerCheckpoint.exec(file);
  return match ? Number(match[1]) : undefined;
}

function sampleStep(file: string): { step: number; index: number } | undefined {
  const match = aiToolkitSample.exec(file) ?? simpleTunerSample.exec(file);
  return match ? { step: Number(match[1]), index: Number(match[2]) } : undefined;
}

/**
 * The checkpoints of a training with their step and samples, from the file names of a LoRA version folder
 * (`models/<m>/loras/<v>/`) or a job's output prefix, relative to it. The layout, per engine:
 *
 * | file | ai-toolkit | SimpleTuner |
 * |---|---|---|
 * | final LoRA | `<name>.safetensors` | `pytorch_lora_weights.safetensors` |
 * | checkpoint at step N | `checkpoints/<name>_<N, 9 digits>.safetensors` | `checkpoints/checkpoint-<N>/pytorch_lora_weights.safetensors` |
 * | sample i at step N | `samples/<N, 9 digits>_<i>.jpg` (on the pod `<ms epoch>__<N, 9 digits>_<i>.jpg`, also accepted) | `samples/step-<N>-<i>.png` |
 *
 * Samples without a step in their name (`samples/sample-<i>.png`, the final validation of a SimpleTuner pod) belong to
 * the final LoRA. Sorted by step; the final LoRA last.
 */
export function listCheckpoints(files: readonly string[], options: ListCheckpointsOptions = {}): LoraCheckpoint[] {
  const byStep = new Map<number, LoraCheckpoint>();
  const samples = new Map<number, Array<{ index: number; file: string }>>();
  const stepless: string[] = [];
  let final: string | undefined;
  let lastSampleStep = 0;
  for (const file of files) {
    const step = checkpointStep(file);
    if (step !== undefined) {
      byStep.set(step, { step, file, final: false, samples: [] });
      continue;
    }
    const sample = sampleStep(file);
    if (sample) {
      samples.set(sample.step, [...(samples.get(sample.step) ?? []), { index: sample.index, file }]);
      lastSampleStep = Math.max(lastSampleStep, sample.step);
    } else if (steplessSample.test(file)) stepless.push(file);
    else if (!file.includes('/') && file.endsWith('.safetensors')) final = file;
  }
  const finalStep = options.finalStep ?? Math.max(lastSampleStep, ...byStep.keys(), 0);
  const list = [...byStep.values()].filter((checkpoint) => !(final && checkpoint.step === finalStep));
  if (final) list.push({ step: finalStep, file: final, final: true, samples: [] });
  for (const checkpoint of list) {
    const found = (samples.get(checkpoint.step) ?? []).sort((a, b) => a.index - b.index).map((s) => s.file);
    checkpoint.samples = checkpoint.final ? [...found, ...stepless.sort()] : found;
  }
  return list.sort((a, b) => a.step - b.step || Number(a.final) - Number(b.final));
}
