import { assertConsent } from '../consent/index.js';
import type { Storage } from '../interfaces/storage.js';
import { formatResultName, type ResultStage, stageId, storageKeys, type UnitStage } from '../naming/index.js';
import type { RunConfig } from '../workspace/index.js';
import { mirrorResults } from './mirror-results.js';
import { type PaidCallContext, runPaidCall, UncertainSubmission } from './paid-call.js';
import { LeanPlannedUnit } from './planned-unit.js';
import { readAll } from './read-all.js';
import type { RunRecorder } from './run-recorder.js';
import { isRunStopping, toFailure } from './run-stop.js';
import type { PaidStage, StageContext, UnitWork } from './stage.js';
import { storeResult } from './store-result.js';
import type { CopyFailure, PlannedUnit, StudioEvent, UnitFailure } from './studio-types.js';

/** Everything one unit needs. */
export interface UnitContext extends StageContext, PaidCallContext {
  storage: Storage;
  recovery: PaidCallContext['recovery'];
  recorder: RunRecorder;
  emit: (event: StudioEvent) => void;
  /** The stages every unit passes through, in order. */
  stages: readonly PaidStage[];
  /** The model's config as stored now: re-read before every paid call, so a revocation anywhere stops the run. */
  currentConfig: () => Promise<RunConfig>;
}

/** How a unit ended. Run-stopping errors (budget, credits, abort, consent) are thrown instead. */
export type UnitOutcome =
  | { kind: 'succeeded'; outputKey: string; reattached: number; mirrored: number; copyFailures: CopyFailure[] }
  | { kind: 'failed'; failure: UnitFailure }
  | { kind: 'uncertain'; stageId: string };

/** The id of `stage` of `unit` (`<unit id>:<result stage>`). */
export function stageIdOf(unit: PlannedUnit, stage: { result: UnitStage }): string {
  // A unit the planner made was checked when it was made (see LeanPlannedUnit).
  if (unit instanceof LeanPlannedUnit) return unit.stageId(stage.result);
  return stageId({
    model: unit.model,
    source: unit.source,
    target: unit.target,
    rating: unit.rating,
    stage: stage.result,
  });
}

/** The result file name shown in progress (the last stage's output name). */
export function unitFileName(unit: PlannedUnit, stages: readonly PaidStage[]): string {
  const last = stages[stages.length - 1]!;
  if (last.result === 'caption') return formatResultName({ ...unit, stage: 'enhanced' }).replace(/\.jpg$/, '.txt');
  return formatResultName({ ...unit, stage: last.result });
}

/**
 * Runs a unit through every stage it has not done yet, each the same way (see {@link PaidStage}): consent, the
 * stage's gates, then the paid call. Every step goes to the journal; every paid call is reserved before and recorded
 * after. A unit is done once its last output is stored; copies to result stores follow and never fail it.
 */
export async function runUnit(context: UnitContext, unit: PlannedUnit): Promise<UnitOutcome> {
  const work = unitWork(context, unit);
  const step = stepper(context, unit);
  let reattached = 0;
  try {
    const first = context.stages.find((stage) => context.recorder.status(stageIdOf(unit, stage)) !== 'done');
    step.start('consent');
    assertConsent(context.config, { rating: unit.rating, use: first?.use ?? 'swap' });
    step.end(true);
    // Checks that pass are journaled too (deferred: they cost nothing to run again after a crash).
    const recordedOn = stageIdOf(unit, first ?? context.stages[context.stages.length - 1]!);
    await context.recorder.passed(recordedOn, 'consent', `${unit.rating}, ${first?.use ?? 'swap'}`);
    for (const stage of context.stages) {
      const id = stageIdOf(unit, stage);
      let state = context.recorder.state(id);
      if (state.status === 'done') continue;
      if (state.status === 'uncertain' && stage.recover) {
        // Its answer was stored before the crash: reattach it (it was paid once), never pay again.
        const job = await stage.recover(context, unit);
        if (job) await context.recorder.attachJob(id, stage.op, job.id);
        state = context.recorder.state(id);
      }
      if (state.status !== 'in-flight') {
        const skipped = await stage.skip?.(context, unit);
        if (skipped !== undefined) {
          await context.recorder.completed(id, stage.op, [stage.outputKey(unit)]);
          step.start(stage.name, id);
          step.end(true, { detail: skipped });
          continue;
        }
        for (const gate of stage.gates) {
          step.start(gate.name, id);
          const verdict = await gate.run(context, unit, work);
          step.end(verdict.ok, verdict.ok ? undefined : { detail: verdict.message });
          if (!verdict.ok) {
            const { code, message, retryable } = verdict;
            await context.recorder.failed(id, gate.name, { code, message, retryable });
            return {
              kind: 'failed',
              failure: { unitId: unit.id, stageId: id, stage: gate.name, code, message, retryable },
            };
          }
          await context.recorder.passed(id, gate.name, verdict.detail);
        }
      }
      step.start(stage.name, id);
      assertConsent(await context.currentConfig(), { rating: unit.rating, use: stage.use });
      const { provider } = stage.provider(context.settings);
      const done = await runPaidCall(context, {
        stageId: id,
        unitId: unit.id,
        op: stage.op,
        rating: unit.rating,
        provider,
        price: stage.price(context.config, context.settings),
        submit: () => stage.submit(context, unit, work),
        wait: (job, options) => stage.wait(context, job, options),
        store: (result) =>
          stage.store ? stage.store(context, unit, result) : storeResult(context, stage.outputKey(unit), result.bytes),
      });
      if (stage.result !== 'caption') work.keep(stage.result, done.stored);
      reattached += done.reattached ? 1 : 0;
      const charge = { amount: done.result.units, unit: done.result.unit };
      await context.recorder.completed(id, stage.op, [stage.outputKey(unit)], charge);
      step.end(true, { jobId: done.result.job.id, reattached: done.reattached });
    }
  } catch (error) {
    if (error instanceof UncertainSubmission) return { kind: 'uncertain', stageId: error.stageId };
    if (isRunStopping(error, context.signal)) throw error;
    return { kind: 'failed', failure: toFailure(unit, step.current(), error) };
  }
  const last =
    context.stages.findLast((stage) => stage.result !== 'caption') ?? context.stages[context.stages.length - 1]!;
  const copies = await mirrorResults(
    context,
    unit,
    context.stages.map((stage) => stage.outputKey(unit)),
  );
  return {
    kind: 'succeeded',
    outputKey: last.outputKey(unit),
    reattached,
    mirrored: copies.copied,
    copyFailures: copies.failures,
  };
}

/** The outputs a unit has stored (this run, or read back from storage) and what its gates found. */
function unitWork(
  context: UnitContext,
  unit: PlannedUnit,
): UnitWork & { keep(stage: ResultStage, bytes: Uint8Array): void } {
  const outputs = new Map<ResultStage, Uint8Array>();
  return {
    async output(result) {
      const kept = outputs.get(result);
      if (kept) return kept;
      const key = storageKeys.result({ ...unit, stage: result });
      const bytes = await readAll(await context.storage.get(key, { signal: context.signal }));
      outputs.set(result, bytes);
      return bytes;
    },
    keep(result, bytes) {
      outputs.set(result, bytes);
    },
  };
}

/** Emits `stage-start` / `stage-end` for the unit and remembers the step a failure is blamed on. */
function stepper(context: UnitContext, unit: PlannedUnit) {
  let current: { stage: UnitFailure['stage']; stageId?: string } = { stage: 'consent' };
  return {
    current: () => current,
    start(stage: UnitFailure['stage'], stageId?: string) {
      current = stageId === undefined ? { stage } : { stage, stageId };
      context.emit({ type: 'stage-start', unitId: unit.id, ...current });
    },
    end(ok: boolean, extra: Partial<Extract<StudioEvent, { type: 'stage-end' }>> = {}) {
      context.emit({ type: 'stage-end', unitId: unit.id, ...current, ok, ...extra });
    },
  };
}
