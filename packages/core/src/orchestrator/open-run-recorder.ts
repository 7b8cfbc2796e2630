import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../errors/index.js';
import { type JournalEventInput, openJournal, type ProgressJournal, type UnitState } from '../journal/index.js';
import { type Budget, type CostLedger, createBudget, openLedger } from '../ledger/index.js';
import { modelRecordFiles } from '../naming/index.js';
import { acquireModelRunLock } from '../workspace/model-run-lock.js';
import { clearUnrecordedJobs, readUnrecordedJobs } from './job-recovery.js';
import type { Charge, ImportedStage, PlannedStage, RunRecorder, StageState } from './run-recorder.js';

/** Options for {@link openRunRecorder}. */
export interface RunRecorderOptions {
  /** The model's local folder: `progress.jsonl` and `costs.jsonl` live here. */
  dir: string;
  model: string;
  /** A spending allowance for runs, on top of what the ledger already holds. */
  budget?: { limit: number; unit?: string };
  /** Where job ids the journal could not record were saved (see `saveUnrecordedJob`). @default the OS temp folder's */
  recoveryDir?: string;
}

/**
 * Opens the model's journal and ledger behind the orchestrator's {@link RunRecorder}. On open it reconciles a crash:
 * an op left `submitting` (request possibly sent, no job id) is uncertain in the journal, so its open reservation
 * becomes an uncertain charge in the ledger. So is an op with an open reservation that the journal does not show as
 * sent: its deferred `submitting` event was lost, and the request may have gone out.
 */
export async function openRunRecorder(options: RunRecorderOptions): Promise<RunRecorder> {
  await mkdir(options.dir, { recursive: true });
  const release = await acquireModelRunLock(options.dir, options.model);
  try {
    const journal = await openJournal(join(options.dir, modelRecordFiles.journal));
    const ledger = await openLedger(join(options.dir, modelRecordFiles.ledger));
    await recoverUnrecordedJobs(journal, options);
    await reconcileInterrupted(journal, ledger, options.model);
    return new JournalLedgerRecorder(journal, ledger, options.model, options.budget, release);
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Where a stage stands, from its journal state. A stage has one op, recorded completed only after its output was
 * stored, so an op completed before a crash (and before the unit-level event) still counts as done.
 */
export function stageStateOf(unit: UnitState | undefined): StageState {
  if (!unit) return { status: 'pending' };
  if (unit.status === 'done') return { status: 'done', outputKeys: [...unit.outputKeys] };
  const ops = Object.values(unit.ops);
  const completed = ops.find((op) => op.status === 'completed');
  if (completed) return { status: 'done', outputKeys: [...(completed.outputKeys ?? [])] };
  const inFlight = ops.find((op) => op.status === 'submitted' && op.jobId);
  if (inFlight) {
    return { status: 'in-flight', jobId: inFlight.jobId!, provider: inFlight.provider ?? 'unknown', op: inFlight.op };
  }
  const uncertain = ops.find((op) => op.status === 'uncertain' || op.status === 'submitting');
  if (uncertain) return { status: 'uncertain', op: uncertain.op };
  const failed = ops.find((op) => op.status === 'failed');
  if (failed?.error) return { status: 'failed', op: failed.op, ...failed.error };
  return { status: 'pending' };
}

/** Why an op with an open reservation but no `submitting` event on disk is uncertain after a crash. */
export const LOST_SUBMITTING_REASON =
  'The run stopped after reserving this charge and before recording a job id, so the request may have been sent.';

/**
 * Journals the job ids that a run saved in the recovery file because the journal could not be written (a full or
 * read-only disk): each becomes `submitted`, so the run reattaches it instead of paying again. The file is removed
 * once they are on disk.
 */
async function recoverUnrecordedJobs(journal: ProgressJournal, options: RunRecorderOptions): Promise<void> {
  const jobs = await readUnrecordedJobs(options.dir, options.recoveryDir);
  if (jobs.length === 0) return;
  for (const job of jobs) {
    const op = journal.state(job.stageId)?.ops[job.op];
    if (op?.status === 'submitted' || op?.status === 'completed') continue;
    if (op?.status !== 'submitting' && op?.status !== 'uncertain') {
      await journal.append({ type: 'submitting', unitId: job.stageId, op: job.op });
    }
    await journal.append({
      type: 'submitted',
      unitId: job.stageId,
      op: job.op,
      jobId: job.jobId,
      provider: job.provider,
    });
  }
  await journal.flush();
  await clearUnrecordedJobs(options.dir, options.recoveryDir);
}

async function reconcileInterrupted(journal: ProgressJournal, ledger: CostLedger, model: string): Promise<void> {
  // The reservation is on disk before a request is sent; the `submitting` event is deferred (it shares the write of
  // `submitted` or `failed`). A crash can lose it: with an open reservation the request may have gone out.
  for (const unit of journal.units({ done: false })) {
    for (const op of Object.values(unit.ops)) {
      if (op.status !== 'planned' && op.status !== 'failed') continue;
      if (!ledger.openReservation(unit.unitId, op.op)) continue;
      await journal.append({ type: 'submitting', unitId: unit.unitId, op: op.op });
      await journal.append({ type: 'uncertain', unitId: unit.unitId, op: op.op, reason: LOST_SUBMITTING_REASON });
    }
  }
  for (const op of journal.uncertain()) {
    const reservation = ledger.openReservation(op.unitId, op.op);
    if (!reservation) continue;
    const { seq: _seq, at: _at, kind: _kind, ...rest } = reservation;
    await ledger.record({ ...rest, model, kind: 'uncertain', attempt: op.attempt, note: op.reason });
    await ledger.record({ ...rest, model, kind: 'release' });
  }
  // A completed op whose deferred `actual` charge a crash lost: it was charged, so record it as the run would have,
  // from the charge on its `completed` event (from the reservation for journals written before that field).
  // (Read from the open reservations: a done unit is read back from its packed line only when it has one.)
  for (const reservation of ledger.openReservations()) {
    const op = journal.state(reservation.itemId)?.ops[reservation.op];
    if (op?.status !== 'completed' || op.jobId === undefined) continue;
    if (ledger.hasActual(reservation.itemId, reservation.op, op.jobId)) continue;
    const { seq: _seq, at: _at, kind: _kind, ...rest } = reservation;
    const charged = op.charge ? { amount: op.charge.amount, unitOfAccount: op.charge.unit } : {};
    await ledger.record({ ...rest, ...charged, model, kind: 'actual', jobId: op.jobId });
  }
  // A crash between a stage's op-level and unit-level `completed` events: the output is stored, so finish the record.
  for (const unit of journal.units({ done: false })) {
    const completed = Object.values(unit.ops).find((op) => op.status === 'completed');
    if (completed) {
      await journal.append({ type: 'completed', unitId: unit.unitId, outputKeys: [...(completed.outputKeys ?? [])] });
    }
  }
}

/** How many `planned` events {@link JournalLedgerRecorder.planned} appends at a time. */
const PLANNED_BATCH = 1000;

class JournalLedgerRecorder implements RunRecorder {
  private budget: Budget | undefined;

  constructor(
    private readonly journal: ProgressJournal,
    private readonly ledger: CostLedger,
    private readonly model: string,
    budget: { limit: number; unit?: string } | undefined,
    private readonly releaseLock: () => Promise<void>,
  ) {
    if (budget) this.setBudget(budget);
  }

  setBudget(budget: { limit: number; unit?: string }): void {
    const unit = budget.unit ?? 'credits';
    this.budget = createBudget({ ledger: this.ledger, unit, limit: this.ledger.totals(unit).committed + budget.limit });
  }

  state(stageId: string): StageState {
    return stageStateOf(this.journal.state(stageId));
  }

  status(stageId: string): StageState['status'] {
    // Neither a done stage nor one only planned (what most stages are before and after a run) is read back.
    if (this.journal.isDone(stageId)) return 'done';
    return this.journal.notStarted(stageId) ? 'pending' : this.state(stageId).status;
  }

  units(): UnitState[] {
    return this.journal.units();
  }

  plannedStages(): string[] {
    // Every stage the journal knows was planned first (planned() and importedStage() journal it before anything else).
    return this.journal.unitIds();
  }

  async planned(stages: Iterable<PlannedStage>): Promise<void> {
    // Appended a batch at a time as `stages` yields them, each batch as one write: a plan of 100,000 units never has
    // all its events and lines in memory at once (only a batch is held while it is written). A stage the journal has
    // (from before, or from earlier in this list) is left out.
    // (The journal's on-disk field for a stage id is `unitId`, as in files written before stage ids had a name.)
    let batch: JournalEventInput[] = [];
    let inBatch = new Set<string>();
    for (const { stageId, op } of stages) {
      if (this.journal.has(stageId) || inBatch.has(stageId)) continue;
      inBatch.add(stageId);
      batch.push({ type: 'planned', unitId: stageId, ops: [op] });
      if (batch.length < PLANNED_BATCH) continue;
      await this.journal.appendMany(batch);
      batch = [];
      inBatch = new Set();
    }
    if (batch.length > 0) await this.journal.appendMany(batch);
  }

  async submitting(stageId: string, op: string, options: { deferred?: boolean } = {}): Promise<void> {
    const unit = this.journal.state(stageId);
    // The journal writes in call order, so both events are appended now and share one write. The approval is
    // immediate: a resume must see it to count a lost resubmission as a new attempt.
    const approved =
      unit?.ops[op]?.status === 'uncertain'
        ? this.journal.append({
            type: 'resubmit-approved',
            unitId: stageId,
            op,
            note: 'resubmitUncertain: counted as possible double payment',
          })
        : undefined;
    const written = this.journal.append(
      { type: 'submitting', unitId: stageId, op },
      { durability: options.deferred ? 'deferred' : 'immediate' },
    );
    // The journal checks the transition synchronously: a refused one (already in flight, uncertain, done) is a
    // rejection now, and nothing may be sent.
    if (!options.deferred || this.journal.state(stageId)?.ops[op]?.status !== 'submitting') {
      await Promise.all([approved, written]);
      return;
    }
    // A failed deferred write also fails the next immediate append to the journal (`submitted` or `failed`), which
    // the paid call awaits; it is not reported twice.
    written.catch(() => {});
    await approved;
  }

  async submitted(stageId: string, op: string, jobId: string, provider: string): Promise<void> {
    await this.journal.append({ type: 'submitted', unitId: stageId, op, jobId, provider });
  }

  async completed(
    stageId: string,
    op: string,
    outputKeys: string[],
    charge?: { amount: number; unit: string },
  ): Promise<void> {
    // Deferred: written (in order) with the journal's next immediate event. See RunRecorder.completed.
    const deferred = { durability: 'deferred' } as const;
    await Promise.all([
      this.journal.append({ type: 'completed', unitId: stageId, op, outputKeys, ...(charge && { charge }) }, deferred),
      this.journal.append({ type: 'completed', unitId: stageId, outputKeys }, deferred),
    ]);
  }

  async failed(
    stageId: string,
    op: string,
    failure: { code: string; message: string; retryable: boolean },
  ): Promise<void> {
    await this.journal.append({ type: 'failed', unitId: stageId, op, ...failure });
  }

  async passed(stageId: string, check: string, detail?: string): Promise<void> {
    await this.journal.append(
      { type: 'passed', unitId: stageId, op: check, ...(detail === undefined ? {} : { detail }) },
      { durability: 'deferred' },
    );
  }

  async uncertain(stageId: string, op: string, reason: string): Promise<void> {
    await this.journal.append({ type: 'uncertain', unitId: stageId, op, reason });
  }

  /** The ledger entry of a charge, for the op's current attempt (or `attempt`, for one about to start). */
  private entry(charge: Charge, attempt?: number) {
    return {
      model: this.model,
      itemId: charge.stageId,
      op: charge.op,
      provider: charge.provider,
      amount: charge.amount,
      unitOfAccount: charge.unit,
      rating: charge.rating,
      source: 'price-table' as const,
      attempt: attempt ?? (this.journal.state(charge.stageId)?.ops[charge.op]?.attempt || 1),
    };
  }

  reserve(charge: Charge): Promise<void> {
    return this.reserveEntry(charge, this.entry(charge));
  }

  private async reserveEntry(charge: Charge, entry: ReturnType<JournalLedgerRecorder['entry']>): Promise<void> {
    if (!this.budget) {
      await this.ledger.record({ ...entry, kind: 'reserved' });
      return;
    }
    if (this.budget.unit !== charge.unit) {
      throw new ValidationError(
        `The budget is in ${this.budget.unit} but ${charge.op} is priced in ${charge.unit}: set the budget in ${charge.unit} (or change the model's price table).`,
        { field: 'budget.unit', value: this.budget.unit },
      );
    }
    await this.budget.reserve(entry);
  }

  async beginSubmission(charge: Charge): Promise<void> {
    // Reserved for the attempt that the `submitting` event below starts.
    const entry = this.entry(charge, (this.journal.state(charge.stageId)?.ops[charge.op]?.attempt ?? 0) + 1);
    const reserved = this.reserveEntry(charge, entry);
    // The budget check and the in-memory reservation happen synchronously inside reserve(): when the reservation is
    // not open now, it was refused, and nothing may be journaled.
    const open = this.ledger.openReservation(charge.stageId, charge.op);
    if (open?.attempt !== entry.attempt || open.amount !== entry.amount || open.unitOfAccount !== entry.unitOfAccount) {
      await reserved;
    }
    // The reservation is the durable record that a request may be sent (see reconcileInterrupted); the `submitting`
    // event is written with the journal's next immediate event, `submitted` (with the job id) or `failed`.
    await Promise.all([reserved, this.submitting(charge.stageId, charge.op, { deferred: true })]);
  }

  async attachJob(stageId: string, op: string, jobId: string): Promise<void> {
    const uncertain = this.uncertainEntry(stageId, op);
    await this.journal.append({
      type: 'submitted',
      unitId: stageId,
      op,
      jobId,
      provider: uncertain?.provider ?? 'unknown',
    });
  }

  async settleUncertain(stageId: string, op: string, settlement: { charged: boolean; note?: string }): Promise<void> {
    const entry = this.uncertainEntry(stageId, op);
    const { seq: _seq, at: _at, kind: _kind, note: _note, ...rest } = entry ?? ({} as never);
    if (settlement.charged) {
      const note = settlement.note ?? 'settled by the user: charged (no job id, no result)';
      if (entry) await this.ledger.record({ ...rest, kind: 'actual', note });
      await this.journal.append({
        type: 'failed',
        unitId: stageId,
        op,
        code: 'charged-without-result',
        message: `The submission was charged but left no result (${note}): running it again is a new paid attempt.`,
        retryable: true,
      });
      return;
    }
    const note = settlement.note ?? 'settled by the user: not charged';
    if (entry) await this.ledger.record({ ...rest, kind: 'release', releases: 'uncertain', note });
    await this.journal.append({ type: 'resubmit-approved', unitId: stageId, op, note });
  }

  /** The open uncertain ledger entry of an uncertain op (its current attempt), after checking the op is uncertain. */
  private uncertainEntry(stageId: string, op: string) {
    const state = this.journal.state(stageId)?.ops[op];
    if (state?.status !== 'uncertain' && state?.status !== 'submitting') {
      throw new ValidationError(
        `${stageId} (${op}) is ${state?.status ?? 'not started'}, not uncertain: only a submission whose answer was lost can be attached or settled.`,
        { field: 'stageId', value: stageId },
      );
    }
    const open = this.ledger.openUncertain(stageId, op);
    return open.find((entry) => entry.attempt === state.attempt) ?? open[open.length - 1];
  }

  async importedStage(stage: ImportedStage): Promise<{ journaled: boolean; charged: boolean }> {
    const { stageId, op, jobId } = stage;
    // Deferred, in order (a few writes and fsyncs per batch instead of five per stage): every record here can be
    // rebuilt by importing again, which skips what is on disk. The caller flushes at the end.
    const deferred = { durability: 'deferred' } as const;
    const appends: Promise<unknown>[] = [];
    const append = (event: Parameters<ProgressJournal['append']>[0]) =>
      appends.push(this.journal.append(event, deferred));
    let journaled = false;
    if (stage.outputKeys && this.state(stageId).status !== 'done') {
      if (!this.journal.has(stageId)) {
        append({ type: 'planned', unitId: stageId, ops: [op] });
      }
      const status = this.journal.state(stageId)?.ops[op]?.status;
      if (jobId !== undefined && status !== 'submitted') {
        if (status !== 'submitting' && status !== 'uncertain') append({ type: 'submitting', unitId: stageId, op });
        append({ type: 'submitted', unitId: stageId, op, jobId, provider: stage.provider });
      }
      const charge = { amount: stage.charge.amount, unit: stage.charge.unit };
      const { imported, outputKeys } = stage;
      append({ type: 'completed', unitId: stageId, op, outputKeys, charge, imported });
      append({ type: 'completed', unitId: stageId, outputKeys, imported });
      journaled = true;
    }
    const charged = !this.ledger.hasActual(stageId, op, jobId);
    if (charged) {
      const entry = this.entry({ ...stage.charge, stageId, op, provider: stage.provider });
      const record = {
        ...entry,
        kind: 'actual' as const,
        attempt: 1,
        imported: true,
        ...(jobId !== undefined && { jobId }),
        ...(stage.note !== undefined && { note: stage.note }),
      };
      appends.push(this.ledger.record(record, deferred));
    }
    await Promise.all(appends);
    return { journaled, charged };
  }

  async release(charge: Charge): Promise<void> {
    await this.ledger.record({ ...this.entry(charge), kind: 'release' });
  }

  async actual(charge: Charge & { jobId: string }, options: { deferred?: boolean } = {}): Promise<void> {
    await this.ledger.record(
      { ...this.entry(charge), kind: 'actual', jobId: charge.jobId },
      { durability: options.deferred ? 'deferred' : 'immediate' },
    );
  }

  async uncertainCharge(charge: Charge): Promise<void> {
    await this.ledger.record({ ...this.entry(charge), kind: 'uncertain' });
    await this.ledger.record({ ...this.entry(charge), kind: 'release' });
  }

  ledgerTotals(): Record<string, { actual: number; uncertain: number }> {
    // From the ledger's running sums: a summary would read back every settled charge (200,000 after a run of
    // 100,000 units, about 0.4 s and tens of MB of garbage at the end of the run).
    const totals: Record<string, { actual: number; uncertain: number }> = {};
    for (const unit of this.ledger.unitsOfAccount()) {
      const { actual, uncertain } = this.ledger.totals(unit);
      totals[unit] = { actual, uncertain };
    }
    return totals;
  }

  async flush(): Promise<void> {
    await Promise.all([this.journal.flush(), this.ledger.flush()]);
  }

  async close(): Promise<void> {
    try {
      await Promise.all([this.journal.close(), this.ledger.close()]);
    } finally {
      await this.releaseLock();
    }
  }
}
