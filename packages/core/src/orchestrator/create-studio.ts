import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { assertConsent, checkTargetProvenance } from '../consent/index.js';
import { ConsentError, ProviderError, ValidationError } from '../errors/index.js';
import type { UnitState } from '../journal/index.js';
import { parseSourceName, parseTargetName, parseUnitId, unitId as stageIdOf, storageKeys } from '../naming/index.js';
import type { RevokeConsentOptions } from '../workspace/index.js';
import { currentConfigReader } from './current-config.js';
import { assertSourceConsent, importImages } from './import-images.js';
import { openRunRecorder, stageStateOf } from './open-run-recorder.js';
import { readAll } from './read-all.js';
import { readJournalSnapshot } from './read-journal-snapshot.js';
import type { RunRecorder, StageState } from './run-recorder.js';
import { mirrorResults, runUnit, stageIds, type UnitContext, type UnitOutcome, unitFileName } from './run-unit.js';
import type {
  CostEstimate,
  ImportInput,
  ImportOptions,
  ImportResult,
  ModelStatus,
  Plan,
  PlannedUnit,
  PlanOptions,
  RunOptions,
  RunSummary,
  Studio,
  StudioEvent,
  StudioSettings,
  TargetProvenance,
  UnitFailure,
} from './studio-types.js';

/** Where prices come from, shown with every estimate and summary. */
export const priceTableNote =
  'Costs come from the model\'s price table: the MaxStudio API reports no charges, so "actual" means price-table figures for accepted jobs.';

/**
 * Creates the pipeline orchestrator over a workspace and the adapters of your choice.
 *
 * @example
 * ```ts
 * const studio = createStudio({ workspace, swapper, enhancer, faceChecker, imageProcessor });
 * const plan = await studio.plan('andie', { ratings: ['sfw'] });
 * console.log(await studio.estimate(plan));
 * const summary = await studio.run(plan, { onEvent: (event) => console.log(event.type) });
 * ```
 */
export function createStudio(settings: StudioSettings): Studio {
  assertReachableUrls(settings);
  const { workspace } = settings;
  const storage = workspace.storage;
  const recorders = new Map<string, Promise<RunRecorder>>();
  const runs = new Map<string, { controller: AbortController; done: Promise<void> }>();

  const recorderFor = (model: string): Promise<RunRecorder> => {
    const open = recorders.get(model);
    if (open) return open;
    const recorder = openRunRecorder({ dir: workspace.localModelDir(model), model, budget: settings.budget });
    recorders.set(model, recorder);
    return recorder;
  };

  /** Stage states from this studio's open recorder, else read-only from the journal file (no lock taken). */
  async function stageStates(model: string): Promise<(stageId: string) => StageState> {
    const open = recorders.get(model);
    if (open) {
      const recorder = await open;
      return (stageId) => recorder.state(stageId);
    }
    const units = await readJournalSnapshot(join(workspace.localModelDir(model), 'progress.jsonl'));
    return (stageId) => stageStateOf(units.get(stageId));
  }

  async function numbersUnder(prefix: string, parse: (name: string) => number | undefined): Promise<number[]> {
    const numbers: number[] = [];
    for await (const object of storage.list({ prefix })) {
      const n = parse(object.key.slice(prefix.length));
      if (n !== undefined) numbers.push(n);
    }
    return numbers.sort((a, b) => a - b);
  }
  const sourceNumbers = (model: string) =>
    numbersUnder(storageKeys.sourcePrefix(model), (name) => parseSourceName(name)?.source);
  const targetNumbers = (model: string, rating: string) =>
    numbersUnder(storageKeys.targetPrefix(model, rating), (name) => parseTargetName(name)?.target);
  const nextNumber = (numbers: number[]) => (numbers.length === 0 ? 1 : numbers[numbers.length - 1]! + 1);

  function unitOf(model: string, source: number, target: number, rating: string): PlannedUnit {
    const parts = { model, source, target, rating };
    return {
      id: stageIdOf({ ...parts, stage: 'enhanced' }).replace(/:enhanced$/, ''),
      ...parts,
      sourceKey: storageKeys.source(model, source),
      targetKey: storageKeys.target(model, rating, target),
      swappedKey: storageKeys.result({ ...parts, stage: 'swapped' }),
      enhancedKey: storageKeys.result({ ...parts, stage: 'enhanced' }),
    };
  }

  const studio: Studio = {
    async importSources(model: string, inputs: ImportInput[], options?: ImportOptions): Promise<ImportResult[]> {
      const config = await workspace.getModel(model);
      assertSourceConsent(config);
      return importImages(
        {
          storage,
          faceChecker: settings.faceChecker,
          imageProcessor: settings.imageProcessor,
          config,
          firstNumber: nextNumber(await sourceNumbers(model)),
          keyOf: (n) => storageKeys.source(model, n),
          checkFaces: (faces) =>
            faces === 1
              ? undefined
              : faces === 0
                ? { code: 'no-face', message: 'No face found: a source photo must show exactly one face.' }
                : {
                    code: 'multiple-faces',
                    message: `${faces} faces found: a source photo must show exactly one face.`,
                  },
        },
        inputs,
        options,
      );
    },

    async importTargets(model, rating, inputs, provenance: TargetProvenance, options) {
      const config = await workspace.getModel(model);
      assertConsent(config, { rating, use: 'swap' });
      // The provenance is checked before anything is stored (rights statement; adults who consented for non-sfw).
      checkTargetProvenance(model, rating, [{ ...provenance, n: 1 }], new Date());
      const minFaces = config.settings.thresholds.minTargetFaces;
      const results = await importImages(
        {
          storage,
          faceChecker: settings.faceChecker,
          imageProcessor: settings.imageProcessor,
          config,
          firstNumber: nextNumber(await targetNumbers(model, rating)),
          keyOf: (n) => storageKeys.target(model, rating, n),
          checkFaces: (faces) =>
            faces >= minFaces
              ? undefined
              : { code: 'no-face', message: `${faces} faces found: a target needs at least ${minFaces}.` },
        },
        inputs,
        options,
      );
      const accepted = results.filter((result) => result.accepted);
      if (accepted.length > 0) {
        await workspace.recordTargets(
          model,
          rating,
          accepted.map((result) => ({
            ...provenance,
            n: result.number!,
            origin: `${provenance.origin}/${result.name}`,
          })),
        );
      }
      return results;
    },

    async plan(model: string, options: PlanOptions): Promise<Plan> {
      const config = await workspace.getModel(model);
      if (options.ratings.length === 0)
        throw new ValidationError('Choose at least one rating to plan, e.g. ["sfw"].', { field: 'ratings' });
      for (const rating of options.ratings) assertConsent(config, { rating, use: 'swap' });
      const available = await sourceNumbers(model);
      if (available.length === 0) {
        throw new ValidationError(
          `Model "${model}" has no source photos: import some first (\`studio sources add ${model} <files>\`).`,
          { field: 'sources' },
        );
      }
      const sources = options.sources ? chosen(options.sources, available, { model, what: 'source' }) : available;
      const units: PlannedUnit[] = [];
      for (const rating of options.ratings) {
        const imported = await targetNumbers(model, rating);
        const targets = options.targets
          ? chosen(options.targets, imported, { model, what: 'target', rating })
          : imported;
        const recorded = new Set((config.targets[rating] ?? []).map((record) => record.n));
        const unrecorded = targets.filter((n) => !recorded.has(n));
        if (unrecorded.length > 0) {
          throw new ValidationError(
            `Targets ${unrecorded.slice(0, 10).join(', ')}${unrecorded.length > 10 ? ', ...' : ''} of model "${model}" (${rating}) have no provenance record: ` +
              'import targets with studio.importTargets (or record where they came from and your rights with workspace.recordTargets) before planning.',
            { field: 'targets', value: unrecorded },
          );
        }
        for (const source of sources) for (const target of targets) units.push(unitOf(model, source, target, rating));
      }
      return { model, ratings: [...options.ratings], units };
    },

    async estimate(plan: Plan): Promise<CostEstimate> {
      const config = await workspace.getModel(plan.model);
      const state = await stageStates(plan.model);
      const perOp: CostEstimate['perOp'] = {};
      const total: Record<string, number> = {};
      let alreadyDone = 0;
      const add = (op: 'swap' | 'enhance') => {
        const price = config.settings.prices[op];
        const entry = perOp[op] ?? { count: 0, amount: 0, unit: price.unit };
        perOp[op] = entry;
        entry.count += 1;
        entry.amount += price.units;
        total[price.unit] = (total[price.unit] ?? 0) + price.units;
      };
      for (const unit of plan.units) {
        const ids = stageIds(unit);
        if (state(ids.enhanced).status === 'done') {
          alreadyDone += 1;
          continue;
        }
        if (state(ids.swapped).status !== 'done') add('swap');
        add('enhance');
      }
      return { perOp, total, alreadyDone, note: priceTableNote };
    },

    async run(plan: Plan, options: RunOptions = {}): Promise<RunSummary> {
      return runPlan(plan, options);
    },

    async resume(model: string, options: RunOptions = {}): Promise<RunSummary> {
      const recorder = await recorderFor(model);
      const seen = new Map<string, PlannedUnit>();
      for (const stageId of recorder.plannedStages()) {
        const parts = parseUnitId(stageId);
        if (!parts || parts.model !== model) continue;
        const unit = unitOf(model, parts.source, parts.target, parts.rating);
        if (!seen.has(unit.id)) seen.set(unit.id, unit);
      }
      if (seen.size === 0)
        throw new ValidationError(`Model "${model}" has no planned run to resume: plan and run one first.`, {
          field: 'model',
        });
      const units = [...seen.values()];
      return runPlan({ model, ratings: [...new Set(units.map((unit) => unit.rating))], units }, options);
    },

    async status(model: string): Promise<ModelStatus> {
      await workspace.getModel(model);
      const open = recorders.get(model);
      // Read-only when this studio has no run of the model open: another process may be running it.
      const units: UnitState[] = open
        ? (await open).units()
        : [...(await readJournalSnapshot(join(workspace.localModelDir(model), 'progress.jsonl'))).values()];
      const status: ModelStatus = { model, done: [], pending: [], inFlight: [], uncertain: [], failed: [] };
      for (const unit of units) {
        const state = stageStateOf(unit);
        const op = unit.unitId.endsWith(':swapped') ? 'swap' : 'enhance';
        if (state.status === 'done') status.done.push(unit.unitId);
        else if (state.status === 'pending') status.pending.push(unit.unitId);
        else if (state.status === 'in-flight') status.inFlight.push({ unitId: unit.unitId, jobId: state.jobId, op });
        else if (state.status === 'uncertain') status.uncertain.push(unit.unitId);
        else {
          const failedOp = Object.values(unit.ops).find((entry) => entry.status === 'failed')?.op ?? op;
          const stage =
            (['source-check', 'target-check', 'verify', 'swap', 'enhance'] as const).find(
              (name) => name === failedOp,
            ) ?? op;
          status.failed.push({
            unitId: unit.unitId,
            stage,
            code: state.code,
            message: state.message,
            retryable: state.retryable,
          });
        }
      }
      return status;
    },

    async revokeConsent(model: string, options: RevokeConsentOptions): Promise<void> {
      const run = runs.get(model);
      run?.controller.abort(
        new ConsentError(`Consent for model "${model}" was revoked: the run stopped.`, { model, missing: ['revoked'] }),
      );
      await run?.done;
      // A run in another process: the workspace records the revocation first (that run stops before its next paid
      // call), then waits up to `waitForRunMs` for it to stop before deleting, or throws ModelBusyError.
      const recorder = recorders.get(model);
      if (options.deleteData && recorder) {
        recorders.delete(model);
        await (await recorder).close();
      }
      await workspace.revokeConsent(model, options);
      if (options.deleteData) {
        for (const store of settings.resultStores ?? []) {
          const keys: string[] = [];
          for await (const object of store.list({ prefix: storageKeys.modelPrefix(model) })) keys.push(object.key);
          if (keys.length > 0) await store.delete(keys);
        }
      }
    },

    async close(): Promise<void> {
      const active = [...runs.values()];
      for (const run of active) run.controller.abort();
      await Promise.all(active.map((run) => run.done));
      const open = [...recorders.values()];
      recorders.clear();
      await Promise.all(open.map(async (recorder) => (await recorder.catch(() => undefined))?.close()));
    },
  };

  async function runPlan(plan: Plan, options: RunOptions): Promise<RunSummary> {
    if (runs.has(plan.model)) {
      throw new ValidationError(`Model "${plan.model}" already has a run in progress in this studio.`, {
        field: 'model',
      });
    }
    const controller = new AbortController();
    let finished!: () => void;
    runs.set(plan.model, { controller, done: new Promise<void>((resolve) => (finished = resolve)) });
    const stopOnUser = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stopOnUser, { once: true });
    if (options.signal?.aborted) stopOnUser();
    try {
      return await executePlan(plan, options, controller);
    } finally {
      options.signal?.removeEventListener('abort', stopOnUser);
      runs.delete(plan.model);
      finished();
    }
  }

  async function executePlan(plan: Plan, options: RunOptions, controller: AbortController): Promise<RunSummary> {
    const started = Date.now();
    const config = await workspace.getModel(plan.model);
    const recorder = await recorderFor(plan.model);
    const budget = options.budget ?? settings.budget;
    if (budget) {
      const units = new Set(Object.values(config.settings.prices).map((price) => price.unit));
      const unit = budget.unit ?? 'credits';
      if (!units.has(unit)) {
        throw new ValidationError(
          `The budget is in ${unit} but model "${plan.model}" prices its work in ${[...units].join(', ')}: give the budget in that unit.`,
          { field: 'budget.unit', value: unit },
        );
      }
      recorder.setBudget(budget);
    }
    const emit = (event: StudioEvent) => {
      try {
        options.onEvent?.(event);
      } catch (error) {
        settings.logger?.warn('onEvent handler threw', { error: String(error) });
      }
    };
    // The plan is journaled when it runs (not when it is estimated): resume runs what was started.
    await recorder.planned(plan.units.flatMap((unit) => Object.values(stageIds(unit))));
    const estimate = await studio.estimate(plan);
    const spentBefore = recorder.spentThisRun();
    const summary: RunSummary = {
      model: plan.model,
      outcome: 'completed',
      total: plan.units.length,
      succeeded: 0,
      skipped: estimate.alreadyDone,
      failed: [],
      uncertain: [],
      reattached: 0,
      spent: {},
      outputs: [],
      mirrored: 0,
      copyFailures: [],
      durationMs: 0,
      costNote: priceTableNote,
    };
    emit({
      type: 'run-start',
      model: plan.model,
      total: plan.units.length,
      alreadyDone: estimate.alreadyDone,
      estimate,
    });

    const pendingUnits = plan.units.filter((unit) => recorder.state(stageIds(unit).enhanced).status !== 'done');
    // A unit whose source or target was deleted after it was planned fails on its own (a resume of an old journal
    // must not stop at it); the others run.
    const missingInputs = await missingInputsOf(pendingUnits, recorder, controller.signal);
    // Every source's identity embedding before anything is paid: a source with no face stops the run here.
    const embeddings = new Map<number, Float32Array>();
    for (const unit of pendingUnits) {
      if (missingInputs.has(unit.id) || embeddings.has(unit.source)) continue;
      embeddings.set(unit.source, await sourceEmbedding(unit.source));
    }
    const context: UnitContext = {
      settings,
      storage,
      config,
      recorder,
      signal: controller.signal,
      resubmitUncertain: options.resubmitUncertain ?? false,
      emit,
      sourceEmbedding: async (source) => embeddings.get(source) ?? sourceEmbedding(source),
      // Re-read before every paid call, so a revocation from any process stops the run.
      currentConfig: currentConfigReader(workspace, plan.model),
    };
    async function sourceEmbedding(source: number): Promise<Float32Array> {
      const bytes = await readAll(
        await storage.get(storageKeys.source(plan.model, source), { signal: controller.signal }),
      );
      const faces = await settings.faceChecker.embeddings({ bytes }, { signal: controller.signal });
      if (!faces[0]) {
        throw new ValidationError(
          `Source ${source} of model "${plan.model}" shows no face to verify swaps against: re-import a photo with one clear face. Nothing was paid.`,
          { field: 'source' },
        );
      }
      return faces[0].embedding;
    }

    let done = estimate.alreadyDone;
    let stopError: unknown;
    const limit = pLimit(Math.max(1, options.concurrency ?? settings.concurrency ?? config.settings.concurrency));
    await Promise.all(
      pendingUnits.map((unit, index) =>
        limit(async () => {
          if (controller.signal.aborted) return;
          emit({ type: 'unit-start', unitId: unit.id, fileName: unitFileName(unit), index, total: plan.units.length });
          try {
            const outcome =
              missingInputs.get(unit.id) ?? (await runUnitWithRetries(context, unit, options.maxUnitAttempts ?? 3));
            done += 1;
            if (outcome.kind === 'succeeded') {
              summary.succeeded += 1;
              summary.reattached += outcome.reattached;
              summary.mirrored += outcome.mirrored;
              summary.copyFailures.push(...outcome.copyFailures);
              summary.outputs.push(outcome.outputKey);
              emit({
                type: 'unit-end',
                unitId: unit.id,
                ok: true,
                outputKey: outcome.outputKey,
                done,
                total: plan.units.length,
              });
            } else if (outcome.kind === 'failed') {
              summary.failed.push(outcome.failure);
              emit({
                type: 'unit-end',
                unitId: unit.id,
                ok: false,
                failure: outcome.failure,
                done,
                total: plan.units.length,
              });
            } else {
              summary.uncertain.push(outcome.stageId);
              emit({ type: 'unit-end', unitId: unit.id, ok: false, done, total: plan.units.length });
            }
          } catch (error) {
            if (!controller.signal.aborted) {
              stopError = error;
              controller.abort(error);
            }
          }
        }),
      ),
    );
    if (!controller.signal.aborted && (settings.resultStores?.length ?? 0) > 0) {
      // Units done in an earlier run: finish any copy to the result stores that was interrupted.
      const pending = new Set(pendingUnits);
      for (const unit of plan.units) {
        if (pending.has(unit)) continue;
        const copies = await mirrorResults(context, unit, { onlyMissing: true });
        summary.mirrored += copies.copied;
        summary.copyFailures.push(...copies.failures);
      }
    }
    summary.copyFailures.sort((a, b) => byText(a.key, b.key) || byText(a.store, b.store));
    const reason = stopError ?? (controller.signal.aborted ? controller.signal.reason : undefined);
    if (stopError === undefined && options.signal?.aborted) summary.outcome = 'aborted';
    else if (reason !== undefined || controller.signal.aborted) summary.outcome = outcomeOf(reason);
    summary.outputs.sort();
    const spentAfter = recorder.spentThisRun();
    for (const [unit, amount] of Object.entries(spentAfter)) {
      const delta = amount - (spentBefore[unit] ?? 0);
      if (delta) summary.spent[unit] = delta;
    }
    // Deferred journal and ledger records are on disk before the run reports its end.
    await recorder.flush();
    summary.durationMs = Date.now() - started;
    emit({ type: 'run-end', summary });
    if (summary.outcome === 'failed') throw reason;
    return summary;
  }

  /**
   * Units whose source or target file no longer exists (deleted after they were planned), each failed with its reason
   * and the failure journaled. A target is needed until the swap is done or in flight; the source until the unit is
   * done (the swap is verified against it).
   */
  async function missingInputsOf(
    units: readonly PlannedUnit[],
    recorder: RunRecorder,
    signal: AbortSignal,
  ): Promise<Map<string, Extract<UnitOutcome, { kind: 'failed' }>>> {
    // Each source and target once, a few at a time (a remote storage answers every head with a round trip).
    const limit = pLimit(8);
    const keys = new Set(units.flatMap((unit) => [unit.sourceKey, unit.targetKey]));
    const found = await Promise.all(
      [...keys].map((key) => limit(async () => [key, (await storage.head(key, { signal })) !== undefined] as const)),
    );
    const existing = new Set(found.filter(([, exists]) => exists).map(([key]) => key));
    const missing = new Map<string, Extract<UnitOutcome, { kind: 'failed' }>>();
    for (const unit of units) {
      const ids = stageIds(unit);
      const swap = recorder.state(ids.swapped).status;
      const needsTarget = swap !== 'done' && swap !== 'in-flight';
      let failure: UnitFailure | undefined;
      if (!existing.has(unit.sourceKey)) {
        failure = missingInput(unit, 'source-check', `Source ${unit.source}`, unit.sourceKey);
      } else if (needsTarget && !existing.has(unit.targetKey)) {
        failure = missingInput(unit, 'target-check', `Target ${unit.target} (${unit.rating})`, unit.targetKey);
      }
      if (!failure) continue;
      const { code, message, retryable } = failure;
      await recorder.failed(swap === 'done' ? ids.enhanced : ids.swapped, failure.stage, { code, message, retryable });
      missing.set(unit.id, { kind: 'failed', failure });
    }
    return missing;
  }

  return studio;
}

/** The failure of a unit whose source or target photo no longer exists. */
function missingInput(
  unit: PlannedUnit,
  stage: 'source-check' | 'target-check',
  photo: string,
  key: string,
): UnitFailure {
  return {
    unitId: unit.id,
    stage,
    code: stage === 'source-check' ? 'missing-source' : 'missing-target',
    message:
      `${photo} of model "${unit.model}" no longer exists (${key}): this unit was skipped and nothing was paid for it ` +
      'in this run. Put the photo back under that key to run it; the other units are not affected.',
    retryable: false,
  };
}

/**
 * The requested source or target numbers (each once, in the order given), after checking that the model has every
 * one of them: a plan with a number that does not exist would journal units that can never run.
 */
function chosen(
  requested: readonly number[],
  available: readonly number[],
  where: { model: string; what: 'source' | 'target'; rating?: string },
): number[] {
  const have = new Set(available);
  const numbers = [...new Set(requested)];
  const missing = numbers.filter((n) => !have.has(n));
  if (missing.length === 0) return numbers;
  const kind = where.rating === undefined ? where.what : `${where.rating} ${where.what}`;
  const importHint =
    where.what === 'source'
      ? `\`studio sources add ${where.model} <files>\``
      : `\`studio targets add ${where.model} <files> --rating ${where.rating}\``;
  throw new ValidationError(
    `Model "${where.model}" has no ${kind}${missing.length === 1 ? '' : 's'} ${numberRanges(missing)} ` +
      `(${available.length === 0 ? `it has no ${kind}s` : `its ${kind}s: ${numberRanges(available)}`}). ` +
      `Plan only ${where.what}s it has, or import more first (${importHint}). Nothing was planned or journaled.`,
    { field: `${where.what}s`, value: missing },
  );
}

/** `1-3, 5, 9-12`: sorted numbers with runs shortened, for messages. */
function numberRanges(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}-${sorted[i]}`);
  }
  return parts.join(', ');
}

/** Orders strings by code unit (the same on every machine, unlike `localeCompare`). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs a unit again (after a short pause) while it fails for a reason that may pass, up to `attempts` times. */
async function runUnitWithRetries(context: UnitContext, unit: PlannedUnit, attempts: number): Promise<UnitOutcome> {
  let outcome = await runUnit(context, unit);
  for (let attempt = 1; attempt < attempts && outcome.kind === 'failed' && outcome.failure.retryable; attempt++) {
    await delay(250 * 2 ** attempt, undefined, { signal: context.signal }).catch(() => undefined);
    if (context.signal.aborted) break;
    outcome = await runUnit(context, unit);
  }
  return outcome;
}

function outcomeOf(reason: unknown): RunSummary['outcome'] {
  if (ProviderError.isInstance(reason) && reason.reason === 'insufficient-credits') return 'insufficient-credits';
  if (ConsentError.isInstance(reason)) return 'consent-revoked';
  if ((reason as { code?: string } | undefined)?.code === 'budget-exceeded') return 'budget-exceeded';
  if (reason === undefined || (reason as { name?: string }).name === 'AbortError') return 'aborted';
  return 'failed';
}

function assertReachableUrls(settings: StudioSettings): void {
  const storage = settings.workspace.storage;
  if (storage.publicUrls) return;
  const needy = [settings.faceDetector, settings.swapper, settings.enhancer].filter(
    (provider) => provider?.requiresPublicUrls,
  );
  if (needy.length > 0) {
    throw new ValidationError(
      `The ${needy[0]!.provider} provider fetches images by URL from the internet, but the workspace storage "${storage.provider}" only gives loopback URLs. ` +
        'Use storage with public URLs (e.g. S3Storage from @model-studio/storage-s3) or run against the sandbox.',
      { field: 'storage' },
    );
  }
}
