import type {
  Trainer,
  TrainingArtifact,
  TrainingCost,
  TrainingJob,
  TrainingProgress,
} from '../../interfaces/trainer.js';
import type { StudioContext } from '../studio-context.js';
import type { TrainEvent } from './train-types.js';

const finalStatuses = new Set(['completed', 'failed', 'cancelled']);

/**
 * Waits until the job reaches a final status (the trainer's `wait` when it has one, else polling `status`), then reads
 * its cost (`cost`, else the progress's). Abort stops the waiting only: the job keeps running and stays journaled.
 */
export async function waitForTraining(
  trainer: Trainer,
  job: TrainingJob,
  options: { signal: AbortSignal; emit: (event: TrainEvent) => void; pollMs?: number },
): Promise<{ progress: TrainingProgress; cost: TrainingCost | undefined }> {
  const { signal, emit } = options;
  let progress: TrainingProgress;
  if (trainer.wait) {
    progress = await trainer.wait(job, { signal, onEvent: emit });
  } else {
    for (;;) {
      progress = await trainer.status(job, { signal });
      emit({ type: 'progress', job, progress });
      if (finalStatuses.has(progress.status)) break;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
      signal.throwIfAborted();
    }
  }
  const cost = trainer.cost ? await trainer.cost(job, { signal }) : progress.cost;
  return { progress, cost };
}

/**
 * Keeps the finished job's artifacts under `outputPrefix`: those the trainer already wrote to storage (with a `key`)
 * stay where they are, the others are written there. Returns the keys (the LoRA file first) and the artifacts.
 */
export async function storeTrainingOutputs(
  context: StudioContext,
  trainer: Trainer,
  job: TrainingJob,
  outputPrefix: string,
  signal: AbortSignal,
): Promise<{ keys: string[]; artifacts: TrainingArtifact[] }> {
  const artifacts = await trainer.fetchArtifacts(job, { signal });
  const keys: string[] = [];
  for (const artifact of artifacts) {
    if (artifact.key) {
      keys.push(artifact.key);
      continue;
    }
    const key = `${outputPrefix}/${artifact.name}`;
    await context.storage.put(key, artifact.bytes, { signal });
    keys.push(key);
  }
  const isLora = (key: string) => key.endsWith('.safetensors');
  return { keys: [...keys.filter(isLora), ...keys.filter((key) => !isLora(key))], artifacts };
}
