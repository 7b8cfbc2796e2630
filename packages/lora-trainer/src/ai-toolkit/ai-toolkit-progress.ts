/** What one ai-toolkit console line tells about the training. */
export interface AiToolkitLineProgress {
  step: number;
  totalSteps: number;
  /** Seconds left, from tqdm's `[elapsed<remaining, ...]`. */
  etaSeconds?: number;
  learningRate?: number;
  loss?: number;
}

function clockSeconds(text: string): number | undefined {
  if (!/^\d+(:\d+){0,2}$/.test(text)) return undefined;
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

const bar = /(\d+)\/(\d+) \[([\d:]+)<([\d:?]+),\s*([\d.]+)(s\/it|it\/s)(?:, lr: (\S+) loss: ([^\]\s]+))?\]/;

/**
 * Reads ai-toolkit's training bar (a tqdm bar described by the job name, with `lr` and `loss` in its postfix):
 * `andie_flux_lora:  12%|█▏  | 250/2000 [05:10<36:12,  1.24s/it, lr: 1.0e-04 loss: 3.412e-01]`. Other bars
 * (sampling, latent caching, checkpoint shards) are ignored when `jobName` is given. tqdm redraws with `\r`: split the
 * console on `\r` and `\n` before calling this.
 */
export function parseAiToolkitLine(line: string, jobName?: string): AiToolkitLineProgress | undefined {
  if (jobName !== undefined && !line.trimStart().startsWith(`${jobName}:`)) return undefined;
  const match = bar.exec(line);
  if (!match) return undefined;
  const progress: AiToolkitLineProgress = { step: Number(match[1]), totalSteps: Number(match[2]) };
  const eta = clockSeconds(match[4]!);
  if (eta !== undefined) progress.etaSeconds = eta;
  if (match[7] !== undefined && Number.isFinite(Number(match[7]))) progress.learningRate = Number(match[7]);
  if (match[8] !== undefined && Number.isFinite(Number(match[8]))) progress.loss = Number(match[8]);
  return progress;
}

/** The last training-bar state in a console text (lines split on `\r` and `\n`), or `undefined`. */
export function lastAiToolkitProgress(text: string, jobName?: string): AiToolkitLineProgress | undefined {
  let last: AiToolkitLineProgress | undefined;
  for (const line of text.split(/[\r\n]/)) {
    const parsed = parseAiToolkitLine(line, jobName);
    if (parsed && (last === undefined || parsed.step >= last.step)) last = parsed;
  }
  return last;
}

/** Losses per step from the console's training bar, for a version's loss curve when no metrics file exists. */
export function aiToolkitLossPoints(text: string, jobName?: string): Array<{ step: number; loss: number }> {
  const byStep = new Map<number, number>();
  for (const line of text.split(/[\r\n]/)) {
    const parsed = parseAiToolkitLine(line, jobName);
    if (parsed?.loss !== undefined && parsed.step > 0) byStep.set(parsed.step, parsed.loss);
  }
  return [...byStep].sort((a, b) => a[0] - b[0]).map(([step, loss]) => ({ step, loss }));
}
