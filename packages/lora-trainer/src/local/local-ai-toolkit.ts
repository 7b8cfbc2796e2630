import { join } from 'node:path';
import type { AiToolkitConfig } from '../ai-toolkit/ai-toolkit-config-schema.js';
import { aiToolkitFiles } from '../ai-toolkit/ai-toolkit-files.js';
import { aiToolkitFileNames } from '../ai-toolkit/ai-toolkit-outputs.js';
import { aiToolkitLossPoints, lastAiToolkitProgress } from '../ai-toolkit/ai-toolkit-progress.js';
import { validateAiToolkitJob } from '../ai-toolkit/validate-ai-toolkit-config.js';
import { localRunFiles as files } from './local-run-files.js';

/** The file ai-toolkit reads in a local run folder. */
export const aiToolkitConfigFile = 'config.yaml';

/**
 * The ai-toolkit config of a local run: `training_folder` the run's `output/`, every dataset's `folder_path` the
 * unpacked archive's `simpletuner/images` (images with `.txt` captions beside them, ai-toolkit's layout).
 */
export function aiToolkitLocalConfig(
  requested: Record<string, unknown>,
  runDir: string,
): { config: AiToolkitConfig; yaml: string } {
  const parsed = validateAiToolkitJob(requested);
  const job = parsed.config.process[0]!;
  const images = join(runDir, files.dataset, 'simpletuner', 'images');
  const process = {
    ...job,
    training_folder: join(runDir, files.output),
    datasets: job.datasets.map((dataset) => ({ ...dataset, folder_path: images })),
  };
  const config = { ...parsed, config: { ...parsed.config, process: [process] } };
  return { config, yaml: aiToolkitFiles(config)['config.yaml'] };
}

/** Progress from ai-toolkit's console: its training bar (split on `\r` and `\n`). */
export function aiToolkitConsoleProgress(consoleText: string, jobName: string) {
  return lastAiToolkitProgress(consoleText, jobName);
}

/** Whether the run wrote its final LoRA (`<output>/<name>/<name>.safetensors`); exit 0 without it means stopped. */
export function aiToolkitFinalLoraPath(runDir: string, jobName: string): string {
  return join(runDir, files.output, jobName, aiToolkitFileNames.final(jobName));
}

/**
 * The artifact name of a file of ai-toolkit's output folder (relative to `output/`), in the layout `listCheckpoints`
 * reads: `<name>.safetensors`, `checkpoints/<name>_<N>.safetensors`, `samples/<ms>__<N>_<i>.jpg`, `config.yaml`;
 * `undefined` for what is not an artifact (optimizer state, latent caches, thumbnails, the SQLite log).
 */
export function aiToolkitArtifactName(relative: string, jobName: string): string | undefined {
  const parts = relative.split('/');
  if (parts[0] !== jobName || parts.some((part) => part.startsWith('.'))) return undefined;
  const rest = parts.slice(1).join('/');
  if (rest === aiToolkitFileNames.final(jobName) || rest === aiToolkitConfigFile) return rest;
  if (/^.+_\d{9}\.safetensors$/.test(rest) && !rest.includes('/')) return `checkpoints/${rest}`;
  if (/^samples\/[^/]+\.(?:jpe?g|png|webp)$/i.test(rest)) return rest;
  return undefined;
}

/** `training_metrics.jsonl` (SimpleTuner's shape) from the console's training bar, so both engines compare. */
export function aiToolkitMetricsFromConsole(consoleText: string, jobName: string): string {
  return aiToolkitLossPoints(consoleText, jobName)
    .map((point) => `${JSON.stringify({ step: point.step, metrics: { train_loss: point.loss } })}\n`)
    .join('');
}
