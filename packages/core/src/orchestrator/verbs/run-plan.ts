import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { StorageError, ValidationError } from '../../errors/index.js';
import { runConfigFor } from '../current-config.js';
import { mirrorResults } from '../mirror-results.js';
import { missingInputsOf } from '../missing-inputs.js';
import { contextOfPlan } from '../plan-stages.js';
import { requireAdapter } from '../require-adapter.js';
import { applyBudget, unitsWithinBudget } from '../run-budget.js';
import { moneySpent, runMoney, unitsNotSucceeded } from '../run-money.js';
import { outcomeOf, stopKind, storageFailuresInARow } from '../run-stop.js';
import { addUnitOutcome, byText, newRunSummary, outputsOf, setOutputsWhenRead } from '../run-summary.js';
import { runUnit, stageIdOf, type UnitContext, type UnitOutcome, unitFileName } from '../run-unit.js';
import { sourceEmbeddings } from '../source-embeddings.js';
import type { PaidStage } from '../stage.js';
import { eventEmitter, type StudioContext } from '../studio-context.js';
import type { Plan, PlannedUnit, RunOptions, RunSummary } from '../studio-types.js';
import { estimateOf } from './estimate-plan.js';

/** How a run stops: `drain` stops new submissions, `halt` stops waiting too (see `stopKind`). */
interface RunStops {
  drain: AbortController;
  halt: AbortController;
  /** The error that stopped the run, when one did (undefined for a plain abort). */
  reason: unknown;
}

/**
 * `studio.run`: runs a plan with bounded concurrency, every unit through every stage (see `runUnit`), with a clean
 * stop on abort, budget, insufficient credits, revoked consent or a storage that keeps failing. One run per model at
 * a time in a studio; the run lock keeps other processes out.
 */
export async function runPlan(context: StudioContext, plan: Plan, options: RunOptions = {}): Promise<RunSummary> {
  if (context.runs.has(plan.model)) {
    throw new ValidationError(`Model "${plan.model}" already has a run in progress in this studio.`, {
      field: 'model',
    });
  }
  const stops: RunStops = { drain: new AbortController(), halt: new AbortController(), reason: undefined };
  // Every unit in flight listens to these signals: no listener-count warning at high concurrency.
  setMaxListeners(0, stops.drain.signal, stops.halt.signal);
  let finished!: () => void;
  context.runs.set(plan.model, { controller: stops.halt, done: new Promise<void>((resolve) => (finished = resolve)) });
  const stopOnUser = () => stops.halt.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stopOnUser, { once: true });
  if (options.signal?.aborted) stopOnUser();
  try {
    return await executePlan(context, plan, options, stops);
  } finally {
    options.signal?.removeEventListener('abort', stopOnUser);
    context.runs.delete(plan.model);
    finished();
  }
}

async function executePlan(studio: StudioContext, plan: Plan, options: RunOptions, stops: RunStops) {
  const started = Date.now();
  const { settings } = studio;
  // The plan's config when the file is unchanged, held without the target records, which a run never reads. Each
  // paid call asks again (`currentConfig`), so a revocation from any process stops the run.
  const { config } = await runConfigFor(studio, plan.model);
  const context = contextOfPlan(studio, plan, config);
  // Every adapter a run uses, before anything is journaled (the journal is only read here): those of the stages some
  // unit has still to do (a resume whose captions are all written needs no captioner).
  const journal = await context.records.journal(plan.model);
  for (const stage of context.stages) {
    if (plan.units.every((unit) => journal.status(stageIdOf(unit, stage)) === 'done')) continue;
    stage.provider(settings);
    for (const adapter of stage.adapters) requireAdapter(settings, adapter.name, adapter.purpose);
  }
  const recorder = await context.records.recorder(plan.model);
  const budget = options.budget ?? settings.budget;
  applyBudget(recorder, config, budget);
  const emit = eventEmitter(context, options.onEvent);
  // The plan is journaled when it runs (not when it is estimated): resume runs what was started. Its stage ids are
  // made as they are journaled, so a plan of 100,000 units never has them all in memory at once.
  await recorder.planned(plannedStages(plan.units, context.stages));
  const estimate = estimateOf(context, plan, config, (stageId) => recorder.status(stageId) === 'done');
  const before = recorder.ledgerTotals();
  const summary = newRunSummary(plan, estimate);
  emit({ type: 'run-start', model: plan.model, total: plan.units.length, alreadyDone: estimate.alreadyDone, estimate });
  const last = context.stages[context.stages.length - 1]!;
  const signal = stops.halt.signal;
  const resubmitUncertain = options.resubmitUncertain ?? false;
  const notDone = plan.units.filter((unit) => recorder.status(stageIdOf(unit, last)) !== 'done');
  // Only whole units the budget covers: a run never stops with a unit half paid for.
  const { within: pending, over } = unitsWithinBudget(notDone, {
    ...context,
    recorder,
    config,
    budget,
    resubmitUncertain,
  });
  summary.overBudget = over.map((unit) => unit.id);
  // A unit whose source or target was deleted after it was planned fails on its own; the others run.
  const missing = await missingInputsOf(pending, context.stages, { storage: context.storage, recorder, signal });
  const embeddings = sourceEmbeddings({ settings, storage: context.storage, model: plan.model, signal });
  // Every source's identity embedding before anything is paid: a source with no face stops the run here. Only the
  // stages that read the source (the swap, and the enhance whose gate verifies the swap against it) need them.
  if (context.stages.some((stage) => stage.reads.includes('source'))) {
    const sources = new Set<number>();
    for (const unit of pending) if (missing.size === 0 || !missing.has(unit.id)) sources.add(unit.source);
    await embeddings.prepare([...sources]);
  }
  const captions = context.stages.some((stage) => stage.result === 'caption')
    ? await context.records.captions(plan.model)
    : undefined;
  const unitContext: UnitContext = {
    settings,
    storage: context.storage,
    config,
    recorder,
    signal,
    submitSignal: AbortSignal.any([stops.drain.signal, signal]),
    resubmitUncertain,
    emit,
    stages: context.stages,
    sourceEmbedding: embeddings.get,
    captions,
    captionOperation: captions?.begin('generate', `captions by ${settings.captioner?.provider ?? 'a captioner'}`),
    // Re-read before every paid call, so a revocation from any process stops the run.
    currentConfig: async () => (await runConfigFor(studio, plan.model)).config,
    recovery: {
      model: plan.model,
      modelDir: context.workspace.localModelDir(plan.model),
      recoveryDir: settings.recoveryDir,
    },
  };
  setMaxListeners(0, unitContext.submitSignal);
  const succeeded = new Uint8Array(pending.length);
  await runUnits(unitContext, plan, pending, {
    summary,
    missing,
    stops,
    options,
    done: estimate.alreadyDone,
    succeeded,
  });
  if (!unitContext.submitSignal.aborted) await finishEarlierCopies(unitContext, plan.units, pending, summary);
  summary.copyFailures.sort((a, b) => byText(a.key, b.key) || byText(a.store, b.store));
  summary.outcome = outcomeOfRun(summary, stops, options);
  setOutputsWhenRead(summary, () => outputsOf(pending, succeeded, last));
  summary.money = runMoney(before, {
    recorder,
    stages: context.stages,
    config,
    settings,
    units: unitsNotSucceeded(plan.units, pending, succeeded),
  });
  summary.spent = moneySpent(summary.money);
  // Deferred journal and ledger records are on disk before the run reports its end.
  await Promise.all([recorder.flush(), captions?.flush()]);
  summary.durationMs = Date.now() - started;
  emit({ type: 'run-end', summary });
  if (summary.outcome === 'failed') throw stops.reason;
  return summary;
}

/** Every stage of every unit, in plan order, with the op it runs (made as they are read). */
function* plannedStages(units: readonly PlannedUnit[], stages: readonly PaidStage[]) {
  for (const unit of units) for (const stage of stages) yield { stageId: stageIdOf(unit, stage), op: stage.op };
}

/** Runs the units, a few at a time; the first run-stopping error drains or halts the run (see `stopKind`). */
async function runUnits(
  context: UnitContext,
  plan: Plan,
  pending: readonly PlannedUnit[],
  run: {
    summary: RunSummary;
    missing: Map<string, Extract<UnitOutcome, { kind: 'failed' }>>;
    stops: RunStops;
    options: RunOptions;
    done: number;
    /** Set to 1 at a unit's index in `pending` when it succeeds. */
    succeeded: Uint8Array;
  },
): Promise<void> {
  const { stops, options } = run;
  const concurrency = Math.max(
    1,
    options.concurrency ?? context.settings.concurrency ?? context.config.settings.concurrency,
  );
  const total = plan.units.length;
  let storageFailures = 0;
  const stop = (error: unknown) => {
    if (context.submitSignal.aborted) return;
    stops.reason = error;
    stops.drain.abort(error);
    if (stopKind(error) === 'halt') stops.halt.abort(error);
  };
  const runOne = async (unit: PlannedUnit, index: number) => {
    const fileName = unitFileName(unit, context.stages);
    context.emit({ type: 'unit-start', unitId: unit.id, fileName, index, total });
    try {
      const outcome = run.missing.get(unit.id) ?? (await runWithRetries(context, unit, options.maxUnitAttempts ?? 3));
      run.done += 1;
      if (outcome.kind === 'succeeded') run.succeeded[index] = 1;
      context.emit(addUnitOutcome(run.summary, unit.id, outcome, { done: run.done, total }));
      const storageFailure = outcome.kind === 'failed' && outcome.failure.code === 'storage';
      storageFailures = storageFailure ? storageFailures + 1 : 0;
      if (storageFailures >= storageFailuresInARow && outcome.kind === 'failed') {
        stop(storageStopError(outcome.failure.message));
      }
    } catch (error) {
      stop(error);
    }
  };
  // A few workers take the units in order: only the units in flight hold a promise and a closure, not every unit of
  // the plan from the start (memory stays flat however many units a plan has).
  let next = 0;
  const worker = async () => {
    while (next < pending.length && !context.submitSignal.aborted) {
      const index = next++;
      await runOne(pending[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
}

/** The outcome of a run that went through its loop. */
function outcomeOfRun(summary: RunSummary, stops: RunStops, options: RunOptions): RunSummary['outcome'] {
  if (stops.reason === undefined && options.signal?.aborted) return 'aborted';
  if (stops.reason !== undefined || stops.halt.signal.aborted)
    return outcomeOf(stops.reason ?? stops.halt.signal.reason);
  if (summary.overBudget.length > 0) return 'budget-exceeded';
  return summary.failed.length > 0 || summary.uncertain.length > 0 ? 'incomplete' : 'completed';
}

/** The error that stops a run after several storage failures in a row. */
function storageStopError(message: string): StorageError {
  return new StorageError(
    `${storageFailuresInARow} units in a row could not be stored: the run stopped submitting. Last error: ${message}`,
    { operation: 'put' },
  );
}

/** Units done in an earlier run: finishes any copy to the result stores that was interrupted. */
async function finishEarlierCopies(
  context: UnitContext,
  units: readonly PlannedUnit[],
  pending: readonly PlannedUnit[],
  summary: RunSummary,
): Promise<void> {
  if ((context.settings.resultStores?.length ?? 0) === 0) return;
  const ranNow = new Set(pending);
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
    await delay(250 * 2 ** attempt, undefined, { signal: context.submitSignal }).catch(() => undefined);
    if (context.submitSignal.aborted) break;
    outcome = await runUnit(context, unit);
  }
  return outcome;
}
