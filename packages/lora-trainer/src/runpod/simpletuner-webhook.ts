import type { TrainingProgress } from '@model-studio/core';

function numberAt(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * Reads one SimpleTuner webhook body (`webhook_config` with `webhook_type: "raw"`, which the RunPod runner sets when
 * `webhookUrl` is given): `training.status` events carry `progress: {current, total, percent, eta_seconds}`. The
 * progress may sit at the top level or under `data` (both seen); a body without progress gives `undefined`.
 * Feed the result to your progress display between the runner's polls of the uploaded metrics.
 *
 * @example
 * ```ts
 * import { parseSimpleTunerWebhook } from '@model-studio/lora-trainer';
 * const progress = parseSimpleTunerWebhook({ type: 'training.status', progress: { current: 120, total: 1000, eta_seconds: 900 } });
 * console.log(progress?.step, progress?.totalSteps, progress?.etaSeconds); // 120 1000 900
 * ```
 */
export function parseSimpleTunerWebhook(body: unknown): Partial<TrainingProgress> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const data = (typeof record.data === 'object' && record.data !== null ? record.data : record) as Record<
    string,
    unknown
  >;
  const progress = (data.progress ?? record.progress) as Record<string, unknown> | undefined;
  if (typeof progress !== 'object' || progress === null) return undefined;
  const step = numberAt(progress.current);
  if (step === undefined) return undefined;
  const message =
    typeof data.message === 'string' ? data.message : typeof record.message === 'string' ? record.message : undefined;
  return {
    status: 'running',
    step,
    totalSteps: numberAt(progress.total),
    etaSeconds: numberAt(progress.eta_seconds),
    loss: numberAt(progress.loss ?? data.loss),
    ...(message === undefined ? {} : { message }),
  };
}
