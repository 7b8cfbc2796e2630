/**
 * The orchestrator's view of the progress journal and cost ledger (it is their only writer).
 * Stage ids are `<model>:s<n>:t<ttt>:<rating>:<stage>`; ops are `swap` and `enhance`.
 */
export type StageState =
  | { status: 'pending' }
  | { status: 'done'; outputKeys: string[] }
  | { status: 'in-flight'; jobId: string; provider: string; op: string }
  | { status: 'uncertain'; op?: string }
  | { status: 'failed'; op: string; code: string; message: string; retryable: boolean };

/** A stage of a plan, as journaled: its id and the op that runs it. */
export interface PlannedStage {
  stageId: string;
  op: string;
}

/** A charge to record. */
export interface Charge {
  stageId: string;
  op: string;
  provider: string;
  amount: number;
  unit: string;
  rating: string;
  jobId?: string;
}

/**
 * A stage whose work was done elsewhere (e.g. by the Python prototype), for {@link RunRecorder.importedStage}: journaled
 * as done like a stage run here (with the provider's job id when known), marked imported, and its charge ledgered as an
 * imported estimate.
 */
export interface ImportedStage {
  stageId: string;
  op: string;
  provider: string;
  /** The provider's job id, when the other tool recorded it. */
  jobId?: string;
  /** Storage keys of the imported output; without them only the charge is recorded (the stage stays as it is). */
  outputKeys?: string[];
  /** The estimated charge (from the model's price table) and the rating, for the ledger. */
  charge: { amount: number; unit: string; rating: string };
  /** Where it was done (`prototype`) and when (ISO 8601, UTC), when known. */
  imported: import('../journal/index.js').ImportedMark;
  /** Free text for the ledger entry. */
  note?: string;
}

/** Writes every step of a run to the journal and ledger, and answers what is already done. */
export interface RunRecorder {
  state(stageId: string): StageState;
  /** The status of {@link RunRecorder.state}, without reading a done stage back from its compact form. */
  status(stageId: string): StageState['status'];
  /** Every stage's journal state, in first-seen order. */
  units(): import('../journal/index.js').UnitState[];
  /** Stage ids planned for the model, in plan order. */
  plannedStages(): string[];
  /** Journals the stages of a plan (each with the op it runs), once each, before the plan runs. */
  planned(stages: Iterable<PlannedStage>): Promise<void>;
  /**
   * Records that `op` is about to be sent (after an approval, when the last attempt was uncertain). With `deferred`,
   * it is written with the journal's next immediate event; a refused transition still rejects before anything is sent.
   */
  submitting(stageId: string, op: string, options?: { deferred?: boolean }): Promise<void>;
  submitted(stageId: string, op: string, jobId: string, provider: string): Promise<void>;
  /**
   * Records a stage's op and the stage as completed. Deferred (written with the journal's next immediate event):
   * lost in a crash, the op is still `submitted` with its job id, so a resume reattaches it and stores the result
   * again without paying.
   */
  completed(
    stageId: string,
    op: string,
    outputKeys: string[],
    charge?: { amount: number; unit: string },
  ): Promise<void>;
  failed(stageId: string, op: string, failure: { code: string; message: string; retryable: boolean }): Promise<void>;
  /**
   * Records that a check of the stage passed (`consent`, `target-check`, `verify`). Deferred: written with the
   * journal's next immediate event (a crash that loses it only means the check runs again on resume).
   */
  passed(stageId: string, check: string, detail?: string): Promise<void>;
  uncertain(stageId: string, op: string, reason: string): Promise<void>;
  /** Reserves the charge against the budget; throws `BudgetExceededError` before anything is sent. */
  reserve(charge: Charge): Promise<void>;
  /**
   * {@link RunRecorder.reserve} then a deferred {@link RunRecorder.submitting}: resolves once the reservation is on
   * disk, the durable sign that the request may be sent (a crash that loses the deferred event leaves an open
   * reservation, which the next open turns into an uncertain submission). A refused reservation throws before
   * anything is journaled.
   */
  beginSubmission(charge: Charge): Promise<void>;
  /** Releases a reservation whose submission was refused before acceptance. */
  release(charge: Charge): Promise<void>;
  /**
   * Records an actual charge (once per stage, op and job id however often it is called). With `deferred`, it is
   * written with the ledger's next immediate record (only for a completed stage: a resume rebuilds a lost one from
   * the journal's `completed` op and the open reservation).
   */
  actual(charge: Charge & { jobId: string }, options?: { deferred?: boolean }): Promise<void>;
  /** Records a possible charge of a submission whose response was lost. */
  uncertainCharge(charge: Charge): Promise<void>;
  /**
   * Records the job id of an uncertain submission, found in the provider's account: the op becomes `submitted`, so a
   * resume polls the job (its actual charge then closes the uncertain entry). Throws a `ValidationError` when the op
   * is not uncertain.
   */
  attachJob(stageId: string, op: string, jobId: string): Promise<void>;
  /**
   * Settles an uncertain submission from the provider's bill: `charged` records the charge as actual (the stage has no
   * result: the next run submits it again, as a new paid attempt); not charged releases it, and the next run submits
   * it as if nothing had been sent. Throws a `ValidationError` when the op is not uncertain.
   */
  settleUncertain(stageId: string, op: string, settlement: { charged: boolean; note?: string }): Promise<void>;
  /**
   * Records a stage done elsewhere (see {@link ImportedStage}): journal `planned`, then (with a job id) `submitting` and
   * `submitted`, then `completed` marked imported; and one ledger `actual` marked imported (once per stage, op and job
   * id). A stage already done, and a charge already recorded, are left alone, so importing again changes nothing.
   * Returns what was written.
   */
  importedStage(stage: ImportedStage): Promise<{ journaled: boolean; charged: boolean }>;
  /** Sets (or replaces) the budget that {@link RunRecorder.reserve} enforces. */
  setBudget(budget: { limit: number; unit?: string }): void;
  /** The ledger's actual and uncertain amounts now, per unit of account (a run compares two readings). */
  ledgerTotals(): Record<string, { actual: number; uncertain: number }>;
  /** Resolves once everything recorded so far (deferred records included) is on disk in journal and ledger. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
