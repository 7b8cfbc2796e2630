import type { LossPoint } from './lora-version-record.js';

/**
 * Reads SimpleTuner's `training_metrics.jsonl` (one `{"step":N,"metrics":{"train_loss":...}}` per line; also accepts
 * `{"step","loss"}`). Torn or foreign lines are skipped.
 */
export function parseTrainingMetrics(text: string): LossPoint[] {
  const points: LossPoint[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as { step?: unknown; loss?: unknown; metrics?: { train_loss?: unknown } };
      const loss = row.metrics?.train_loss ?? row.loss;
      if (typeof row.step === 'number' && typeof loss === 'number' && Number.isFinite(loss)) {
        points.push({ step: row.step, loss });
      }
    } catch {
      // a torn last line while training is still writing
    }
  }
  return points;
}
