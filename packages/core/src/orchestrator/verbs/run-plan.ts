import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { ValidationError } from '../../errors/index.js';
import type { ModelConfig } from '../../workspace/index.js';
import { currentConfigReader } from '../current-config.js';
import { mirrorResults } from '../mirror-results.js';
import { missingInputsOf } from '../missing-inputs.js';
import { requireAdapter } from '../require-adapter.js';
import type { RunRecorder } from '../run-recorder.js';
import { outcomeOf } from '../run-stop.js';
import { addUnitOutcome, byText, newRunSummary, spentBetween } from '../run-summary.js';
import { runUnit, stageIdOf, type UnitContext, type UnitOutcome, unitFileName } from '../run-unit.js';
import { sourceEmbeddings } from '../source-embeddings.js';
import { eventEmitter, type StudioContext } from '../studio-context.js';
import type { Plan, PlannedUnit, RunOptions, RunSummary } from '../studio-types.js';
import { estimatePlan } from './estimate-plan.js';

/**
 * `studio.run`: runs a plan with bounded concurrency, every unit through every stage (see `runUnit`), with a clean
 * stop on abort, budget, insufficient credits or revoked consent. One run per model at a time in a studio; the run
 * lock keeps other processes out.
 */
export async function runPlan(context: StudioContext, plan: Plan, options: RunOptions = {}): Promise<RunSummary> {
  if (context.runs.has(plan.model)) {
    throw new ValidationError(`Model "${plan.model}" already has a run in progress in this studio.`, {
      field: 'model',
    });
  }
  const controller = new AbortController();
  let finished!: () => void;
  context.runs.set(plan.model, { controller, done: new Promise<void>((resolve) => (finished = resolve)) });
  const stopOnUser = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stopOnUser, { once: true });
  if (options.signal?.aborted) stopOnUser();
  try {
    return await executePlan(context, plan, options, controller);
  } finally {
    options.signal?.removeEventListener('abort', stopOnUser);
    context.runs.delete(plan.model);
    finished();
  }
}

async function executePlan(
  context: StudioContext,
  plan: Plan,
  options: RunOptions,
  controller: AbortController,
): Promise<RunSummary> {
  const started = Date.now();
  const { settings } = context;
  // Every adapter a run uses, before anything is journaled.
  for (const stage of context.stages) stage.provider(settings);
  requireAdapter(settings, 'faceChecker', 'run a plan (targets are checked and swaps verified)');
  requireAdapter(settings, 'imageProcessor', 'run a plan (results are marked as AI-generated)');
  const config = await context.workspace.getModel(plan.model);
  const recorder = await context.records.recorder(plan.model);
  applyBudget(recorder, config, plan.model, options.budget ?? settings.budget);
  const emit = eventEmitter(context, options.onEvent);
  // The plan is journaled when it runs (not when it is estimated): resume runs what was started.
  await recorder.planned(
    plan.units.flatMap((unit) => context.stages.map((stage) => ({ stageId: stageIdOf(unit, stage), op: stage.op }))),
  );
  const estimate = await estimatePlan(context, plan);
  const spentBefore = recorder.spentThisRun();
  const summary = newRunSummary(plan, estimate);
  emit({ type: 'run-start', model: plan.model, total: plan.units.length, alreadyDone: estimate.alreadyDone, estimate });
  const last = context.stages[context.stages.length - 1]!;
  const pending = plan.units.filter((unit) => recorder.state(stageIdOf(unit, last)).status !== 'done');
  const signal = controller.signal;
  // A unit whose source or target was deleted after it was planned fails on its own; the others run.
  const missing = await missingInputsOf(pending, context.stages, { storage: context.storage, recorder, signal });
  const embeddings = sourceEmbeddings({ settings, storage: context.storage, model: plan.model, signal });
  // Every source's identity embedding before anything is paid: a source with no face stops the run here.
  await embeddings.prepare(pending.filter((unit) => !missing.has(unit.id)).map((unit) => unit.source));
  const unitContext: UnitContext = {
    settings,
    storage: context.storage,
    config,
    recorder,
    signal,
    resubmitUncertain: options.resubmitUncertain ?? false,
    emit,
    stages: context.stages,
    sourceEmbedding: embeddings.get,
    // Re-read before every paid call, so a revocation from any process stops the run.
    currentConfig: currentConfigReader(context.workspace, plan.model),
  };
  const limit = pLimit(Math.max(1, options.concurrency ?? settings.concurrency ?? config.settings.concurrency));
  let done = estimate.alreadyDone;
  let stopError: unknown;
  await Promise.all(
    pending.map((unit, index) =>
      limit(async () => {
        if (signal.aborted) return;
        const fileName = unitFileName(unit, context.stages);
        emit({ type: 'unit-start', unitId: unit.id, fileName, index, total: plan.units.length });
        try {
          const outcome =
            missing.get(unit.id) ?? (await runWithRetries(unitContext, unit, options.maxUnitAttempts ?? 3));
          done += 1;
          emit(addUnitOutcome(summary, unit.id, outcome, { done, total: plan.units.length }));
        } catch (error) {
          if (signal.aborted) return;
          stopError = error;
          controller.abort(error);
        }
      }),
    ),
  );
  if (!signal.aborted) await finishEarlierCopies(unitContext, plan.units, new Set(pending), summary);
  summary.copyFailures.sort((a, b) => byText(a.key, b.key) || byText(a.store, b.store));
  const reason = stopError ?? (signal.aborted ? signal.reason : undefined);
  if (stopError === undefined && options.signal?.aborted) summary.outcome = 'aborted';
  else if (reason !== undefined || signal.aborted) summary.outcome = outcomeOf(reason);
  summary.outputs.sort();
  summary.spent = spentBetween(spentBefore, recorder.spentThisRun());
  // Deferred journal and ledger records are on disk before the run reports its end.
  await recorder.flush();
  summary.durationMs = Date.now() - started;
  emit({ type: 'run-end', summary });
  if (summary.outcome === 'failed') throw reason;
  return summary;
}

/** Sets the run's budget on the recorder, after checking it is in a unit the model's prices use. */
function applyBudget(
  recorder: RunRecorder,
  config: ModelConfig,
  model: string,
  budget: RunOptions['budget'] | undefined,
): void {
  if (!budget) return;
  const units = new Set(Object.values(config.settings.prices).map((price) => price.unit));
  const unit = budget.unit ?? 'credits';
  if (!units.has(unit)) {
    throw new ValidationError(
      `The budget is in ${unit} but model "${model}" prices its work in ${[...units].join(', ')}: give the budget in that unit.`,
      { field: 'budget.unit', value: unit },
    );
  }
  recorder.setBudget(budget);
}

/** Units done in an earlier run: finishes any copy to the result stores that was interrupted. */
async function finishEarlierCopies(
  context: UnitContext,
  units: readonly PlannedUnit[],
  ranNow: ReadonlySet<PlannedUnit>,
  summary: RunSummary,
): Promise<void> {
  if ((context.settings.resultStores?.length ?? 0) === 0) return;
  for (const unit of units) {
    if (ranNow.has(unit)) continue;
    const keys = context.stages.map((stage) => stage.outputKey(unit));
    const copies = await mirrorResults(context, unit, keys, { onlyMissing: true });
    summary.mirrored += copies.copied;
    summary.copyFailures.push(...copies.failures);
  }
}

/** Runs a unit again (after a short pause) while it fails for a reason that may pass, up to `attempts` times. */
async function runWithRetries(context: UnitContext, unit: PlannedUnit, attempts: number): Promise<UnitOutcome> {
  let outcome = await runUnit(context, unit);
  for (let attempt = 1; attempt < attempts && outcome.kind === 'failed' && outcome.failure.retryable; attempt++) {
    await delay(250 * 2 ** attempt, undefined, { signal: context.signal }).catch(() => undefined);
    if (context.signal.aborted) break;
    outcome = await runUnit(context, unit);
  }
  return outcome;
}
