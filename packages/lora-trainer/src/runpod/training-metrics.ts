/** What SimpleTuner's `training_metrics.jsonl` says so far. */
export interface TrainingMetricsSummary {
  /** Last step written, 0 before the first. */
  step: number;
  /** Training loss at the last step that had one. */
  loss?: number;
  learningRate?: number;
  epoch?: number;
  /** Number of metric lines read. */
  lines: number;
}

/**
 * Reads SimpleTuner's `training_metrics.jsonl` (one `{"step":N,"metrics":{"train_loss","learning_rate","epoch"}}`
 * per line). A torn last line (the file is being written or uploaded) and unknown lines are skipped.
 */
export function summarizeTrainingMetrics(text: string): TrainingMetricsSummary {
  const summary: TrainingMetricsSummary = { step: 0, lines: 0 };
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let entry: { step?: unknown; metrics?: Record<string, unknown> };
    try {
      entry = JSON.parse(raw);
    } catch {
      continue;
    }
    if (typeof entry.step !== 'number') continue;
    summary.lines++;
    summary.step = Math.max(summary.step, entry.step);
    const metrics = entry.metrics ?? {};
    if (typeof metrics.train_loss === 'number') summary.loss = metrics.train_loss;
    if (typeof metrics.learning_rate === 'number') summary.learningRate = metrics.learning_rate;
    if (typeof metrics.epoch === 'number') summary.epoch = metrics.epoch;
  }
  return summary;
}

/**
 * Reads the step count SimpleTuner prints (`Total optimization steps = N`) and its tqdm bar (`120/1000 [...,
 * step_loss=0.123]`) from console output. Returns what the line tells, or `undefined`.
 */
export function parseConsoleLine(line: string): { totalSteps?: number; step?: number; loss?: number } | undefined {
  const total = /Total optimization steps\s*=\s*(\d+)/.exec(line);
  if (total) return { totalSteps: Number(total[1]) };
  const bar = /(\d+)\/(\d+)\s*\[[^\]]*\]/.exec(line);
  if (bar) {
    const loss = /step_loss=([\d.eE+-]+)/.exec(bar[0]);
    return { step: Number(bar[1]), totalSteps: Number(bar[2]), ...(loss ? { loss: Number(loss[1]) } : {}) };
  }
  return undefined;
}

/**
 * Estimates the time left from the pace of recent steps. Feed it `(step, now)` at each poll; `eta(total)` gives
 * seconds, or `undefined` until two distinct steps were seen.
 */
export class StepPace {
  #first: { step: number; at: number } | undefined;
  #last: { step: number; at: number } | undefined;

  /** Records that `step` was reached by `atMs`. */
  record(step: number, atMs: number): void {
    if (this.#last && step <= this.#last.step) return;
    if (!this.#first) this.#first = { step, at: atMs };
    this.#last = { step, at: atMs };
  }

  /** Seconds left to reach `totalSteps`. */
  eta(totalSteps: number | undefined): number | undefined {
    const first = this.#first;
    const last = this.#last;
    if (!first || !last || totalSteps === undefined || last.step === first.step) return undefined;
    const secondsPerStep = (last.at - first.at) / 1000 / (last.step - first.step);
    return Math.max(0, Math.round((totalSteps - last.step) * secondsPerStep));
  }
}

/**
 * The steps a config trains: `max_train_steps` of a SimpleTuner config (keys may carry a leading `--`), or
 * `config.process[0].train.steps` of an ai-toolkit job config, when set.
 */
export function configTotalSteps(config: Record<string, unknown>): number | undefined {
  const process = (config.config as { process?: Array<{ train?: { steps?: unknown } }> } | undefined)?.process;
  const value = process ? process[0]?.train?.steps : (config.max_train_steps ?? config['--max_train_steps']);
  const steps = typeof value === 'string' ? Number(value) : value;
  return typeof steps === 'number' && Number.isFinite(steps) && steps > 0 ? steps : undefined;
}
