import { type BestCheckpointThresholds, defaultBestCheckpointThresholds, ValidationError } from '@model-studio/core';
import type { CheckpointCurve, CheckpointPoint } from './checkpoint-curve.js';

/** Why a checkpoint does not qualify for `--best`. */
export type CheckpointFailure =
  | 'no-samples'
  | 'identity-not-measured'
  | 'identity-too-low'
  | 'memorising'
  | 'collapsed';

/** The rule's verdict on one checkpoint. */
export interface CheckpointVerdict {
  step: number;
  qualifies: boolean;
  failures: CheckpointFailure[];
  /** One sentence per failure, with the figure and the threshold. */
  reasons: string[];
}

/** What {@link chooseBestCheckpoint} picked, and why. */
export interface BestCheckpointChoice {
  checkpoint: CheckpointPoint;
  verdicts: CheckpointVerdict[];
  thresholds: BestCheckpointThresholds;
  /** Why this one: its identity, memorisation and collapse figures against the thresholds. */
  why: string;
}

const f = (value: number) => value.toFixed(3);

/** Whether a checkpoint's samples collapsed: mean entropy or contrast under the thresholds. */
export function isCollapsed(
  point: CheckpointPoint,
  thresholds: BestCheckpointThresholds = defaultBestCheckpointThresholds,
): boolean {
  return point.samples.length > 0 && (point.entropy < thresholds.minEntropy || point.contrast < thresholds.minContrast);
}

/** The rule's verdict on one checkpoint (see {@link chooseBestCheckpoint}). */
export function judgeCheckpoint(point: CheckpointPoint, thresholds: BestCheckpointThresholds): CheckpointVerdict {
  const failures: CheckpointFailure[] = [];
  const reasons: string[] = [];
  const fail = (failure: CheckpointFailure, reason: string) => {
    failures.push(failure);
    reasons.push(reason);
  };
  if (point.samples.length === 0) fail('no-samples', 'it has no validation samples');
  else {
    if (point.identity === undefined) fail('identity-not-measured', 'identity was not measured (no face checker)');
    else if (point.identity < thresholds.minIdentity)
      fail('identity-too-low', `identity ${f(point.identity)} < minIdentity ${thresholds.minIdentity}`);
    if (point.memorisation !== undefined && point.memorisation > thresholds.maxMemorisation)
      fail(
        'memorising',
        `memorisation ${f(point.memorisation)} > maxMemorisation ${thresholds.maxMemorisation} (a sample copies a dataset image)`,
      );
    if (isCollapsed(point, thresholds))
      fail(
        'collapsed',
        `collapsed: entropy ${f(point.entropy)} (min ${thresholds.minEntropy}), contrast ${f(point.contrast)} (min ${thresholds.minContrast})`,
      );
  }
  return { step: point.step, qualifies: failures.length === 0, failures, reasons };
}

/** No checkpoint of a version passes the `--best` rule; `verdicts` says why each failed. */
export class NoQualifyingCheckpointError extends ValidationError {
  readonly verdicts: CheckpointVerdict[];
  constructor(model: string, version: string, verdicts: CheckpointVerdict[]) {
    const lines = verdicts.map((verdict) => `step ${verdict.step}: ${verdict.reasons.join('; ')}`);
    super(
      `No checkpoint of ${model} ${version} qualifies as the best${verdicts.length === 0 ? ' (it has no checkpoints)' : ''}: ${lines.join(' | ')}. ` +
        'Promote one with --step <n>, change training.bestCheckpoint in the model settings, or train again.',
      { field: 'checkpoint', value: version },
    );
    this.name = 'NoQualifyingCheckpointError';
    this.verdicts = verdicts;
  }
}

/**
 * The `--best` rule: among the checkpoints that have samples, a measured identity of at least `minIdentity`, a
 * memorisation of at most `maxMemorisation` (not copying the dataset) and samples that have not collapsed (mean
 * entropy at least `minEntropy` and mean contrast at least `minContrast`), the one with the highest identity; ties
 * go to the earlier step. The loss plays no part: runs can collapse while the loss keeps falling.
 *
 * @throws NoQualifyingCheckpointError (a ValidationError) saying why each checkpoint failed, when none qualifies.
 */
export function chooseBestCheckpoint(
  curve: CheckpointCurve,
  thresholds: BestCheckpointThresholds = defaultBestCheckpointThresholds,
): BestCheckpointChoice {
  const verdicts = curve.checkpoints.map((point) => judgeCheckpoint(point, thresholds));
  let best: CheckpointPoint | undefined;
  curve.checkpoints.forEach((point, index) => {
    if (!verdicts[index]?.qualifies) return;
    if (!best || (point.identity ?? 0) > (best.identity ?? 0) + 1e-9) best = point;
  });
  if (!best) throw new NoQualifyingCheckpointError(curve.model, curve.version, verdicts);
  const memorisation = best.memorisation === undefined ? 'not measured (no dataset images)' : f(best.memorisation);
  const why =
    `step ${best.step} has the highest identity (${f(best.identity ?? 0)}, min ${thresholds.minIdentity}) of the ${verdicts.filter((v) => v.qualifies).length} qualifying checkpoint(s); ` +
    `memorisation ${memorisation} (max ${thresholds.maxMemorisation}); entropy ${f(best.entropy)} (min ${thresholds.minEntropy}), contrast ${f(best.contrast)} (min ${thresholds.minContrast})` +
    (curve.sandbox ? '. Sandbox: this measures the pipeline, not a trained model.' : '.');
  return { checkpoint: best, verdicts, thresholds, why };
}

/** The last checkpoint when its samples collapsed (a training to flag), else `undefined`. */
export function lastCheckpointCollapsed(
  curve: CheckpointCurve,
  thresholds: BestCheckpointThresholds = defaultBestCheckpointThresholds,
): CheckpointPoint | undefined {
  const last = curve.checkpoints.at(-1);
  return last && isCollapsed(last, thresholds) ? last : undefined;
}
