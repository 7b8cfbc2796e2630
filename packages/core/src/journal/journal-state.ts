import type { ImportedMark, JournalEvent, JournalEventInput, SnapshotEvent } from './journal-event.js';
import { sealSnapshotLine } from './sealed-snapshot.js';

/**
 * Where one operation of a unit stands:
 * `planned` → `submitting` (request about to be sent) → `submitted` (job id known) → `completed` | `failed` |
 * `uncertain` (may have been charged). After a restart an op left in `submitting` is reported as `uncertain`.
 * A check (`consent`, `target-check`, `verify`) is `passed` or `failed`.
 */
export type OpStatus = 'planned' | 'submitting' | 'submitted' | 'completed' | 'failed' | 'uncertain' | 'passed';

/**
 * Where a unit stands, from its ops: `done` (a unit-level `completed` was recorded), else `uncertain` (an op may have
 * been charged; a person decides), else `in-flight` (an op is submitting or submitted), else `failed` (an op failed;
 * see its `error.retryable`), else `pending`.
 */
export type UnitStatus = 'pending' | 'in-flight' | 'uncertain' | 'failed' | 'done';

/** Why an op recorded as `submitting` without a job id is uncertain after a restart. */
export const INTERRUPTED_SUBMISSION_REASON =
  'The process stopped after recording "submitting" and before recording a job id: the request may have reached ' +
  'the provider and been charged.';

/** The folded state of one operation of a unit. */
export interface OpState {
  readonly op: string;
  readonly status: OpStatus;
  /** Submissions so far (0 before the first). */
  readonly attempt: number;
  /** The provider's job id, once `submitted`. */
  readonly jobId?: string;
  /** The provider's id, once `submitted`. */
  readonly provider?: string;
  /** Storage keys written, once `completed`. */
  readonly outputKeys?: readonly string[];
  /** What the provider charged, when the `completed` event recorded it. */
  readonly charge?: { readonly amount: number; readonly unit: string };
  /** Where and when the work was done, when it was imported (e.g. from the prototype); kept through compaction. */
  readonly imported?: Readonly<ImportedMark>;
  /** Why it failed, when `failed`. */
  readonly error?: { readonly code: string; readonly message: string; readonly retryable: boolean };
  /** Why it is uncertain, when `uncertain`. */
  readonly reason?: string;
  /** When it last changed, ISO 8601. */
  readonly updatedAt: string;
}

/** The folded state of one unit of work. */
export interface UnitState {
  readonly unitId: string;
  readonly status: UnitStatus;
  /** Per operation name. */
  readonly ops: Readonly<Record<string, OpState>>;
  /** Storage keys from the unit-level `completed` event. */
  readonly outputKeys: readonly string[];
  /** When it last changed, ISO 8601. */
  readonly updatedAt: string;
  /** `seq` of its last event. */
  readonly seq: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableOpState = Mutable<OpState>;
/** @internal */
export type MutableUnitState = Mutable<Omit<UnitState, 'ops'>> & { ops: Record<string, MutableOpState> };

/** @internal Where {@link applyJournalEvent} finds and puts unit states (a `Map`, or the journal's packed table). */
export interface UnitStateTable {
  get(unitId: string): MutableUnitState | undefined;
  set(unitId: string, unit: MutableUnitState): unknown;
}

/**
 * @internal Applies one event to the unit map. Lenient: events are facts already on disk. Op states are updated in
 * place (loading 100,000 events must stay fast), so a state read earlier reflects later events too.
 */
export function applyJournalEvent(units: UnitStateTable, event: JournalEvent): void {
  if (event.type === 'snapshot') {
    // Lean snapshots (see ProgressJournal.compact) leave out an op's name and times equal to the line's `at`.
    const state = event.state;
    const updatedAt = state.updatedAt ?? event.at;
    const ops: Record<string, MutableOpState> = {};
    for (const name in state.ops) {
      // The snapshot line was parsed for this call alone: its op objects are taken over, not copied.
      const op = state.ops[name] as MutableOpState;
      op.op = name;
      op.updatedAt ??= updatedAt;
      ops[name] = op;
    }
    units.set(event.unitId, {
      unitId: event.unitId,
      status: state.status,
      ops,
      outputKeys: state.outputKeys,
      updatedAt,
      seq: event.seq,
    });
    return;
  }
  let unit = units.get(event.unitId);
  if (!unit) {
    unit = { unitId: event.unitId, status: 'pending', ops: {}, outputKeys: [], updatedAt: event.at, seq: event.seq };
    units.set(event.unitId, unit);
  }
  unit.updatedAt = event.at;
  unit.seq = event.seq;
  const at = event.at;
  if (event.type === 'planned') {
    for (const op of event.ops ?? []) {
      if (!unit.ops[op]) unit.ops[op] = { op, status: 'planned', attempt: 0, updatedAt: at };
    }
  } else if (event.op === undefined) {
    // A unit-level `completed`.
    unit.outputKeys = (event.type === 'completed' && event.outputKeys) || [];
    unit.status = 'done';
    return;
  } else {
    const name = event.op;
    let op = unit.ops[name];
    if (!op) {
      op = { op: name, status: 'planned', attempt: 0, updatedAt: at };
      unit.ops[name] = op;
    }
    op.updatedAt = at;
    switch (event.type) {
      case 'submitting':
        op.status = 'submitting';
        op.attempt = event.attempt;
        op.jobId = undefined;
        op.provider = undefined;
        op.error = undefined;
        op.reason = undefined;
        op.outputKeys = undefined;
        break;
      case 'submitted':
        op.status = 'submitted';
        op.attempt ||= 1;
        op.jobId = event.jobId;
        op.provider = event.provider;
        op.reason = undefined;
        break;
      case 'completed':
        op.status = 'completed';
        op.outputKeys = event.outputKeys ?? [];
        if (event.charge) op.charge = { amount: event.charge.amount, unit: event.charge.unit };
        if (event.imported) op.imported = { ...event.imported };
        op.error = undefined;
        op.reason = undefined;
        break;
      case 'failed':
        op.status = 'failed';
        op.error = { code: event.code, message: event.message, retryable: event.retryable };
        break;
      case 'uncertain':
        op.status = 'uncertain';
        op.attempt ||= 1;
        op.jobId = undefined;
        op.provider = undefined;
        op.reason = event.reason;
        break;
      case 'resubmit-approved':
        op.status = 'planned';
        op.reason = undefined;
        break;
      case 'passed':
        op.status = 'passed';
        op.error = undefined;
        op.reason = undefined;
        break;
    }
  }
  if (unit.status !== 'done') unit.status = unitStatus(unit.ops);
}

/** @internal After loading: ops left in `submitting` by a stopped process become `uncertain`. */
export function markInterruptedSubmissions(units: Iterable<MutableUnitState | string>): void {
  for (const unit of units) {
    // A packed unit (its snapshot line) has no op left submitting (see packable).
    if (typeof unit === 'string') continue;
    let changed = false;
    for (const name in unit.ops) {
      const op = unit.ops[name]!;
      if (op.status !== 'submitting') continue;
      op.status = 'uncertain';
      op.reason = INTERRUPTED_SUBMISSION_REASON;
      changed = true;
    }
    if (changed && unit.status !== 'done') unit.status = unitStatus(unit.ops);
  }
}

/**
 * @internal Checks that `event` is a legal next step for its unit; returns why not, or undefined.
 * The important refusals: a second `submitting` while a submission is in flight or uncertain (that would pay twice).
 */
export function checkTransition(unit: UnitState | undefined, event: JournalEventInput): string | undefined {
  if (event.type === 'planned' || event.op === undefined) return undefined;
  const op = unit?.ops[event.op];
  const where = `unit ${event.unitId} op ${event.op}`;
  switch (event.type) {
    case 'submitting':
      if (unit?.status === 'done') return `${where}: the unit is already done; nothing to submit.`;
      if (op?.status === 'submitting' || op?.status === 'submitted') {
        return `${where} is already in flight${op.jobId ? ` as job ${op.jobId}: reattach to it` : ''} instead of paying again.`;
      }
      if (op?.status === 'uncertain') {
        return `${where}: the last submission is uncertain (it may have been charged). Append "resubmit-approved" once a person has decided to send it again.`;
      }
      if (op?.status === 'completed') return `${where} is already completed; nothing to submit.`;
      if (event.attempt !== undefined && (!Number.isInteger(event.attempt) || event.attempt < 1)) {
        return `${where}: attempt must be a whole number from 1.`;
      }
      return undefined;
    case 'submitted':
      if (op?.status === 'submitting' || op?.status === 'uncertain') return undefined;
      return `${where}: "submitted" must follow "submitting" (or "uncertain", when the job id was found later); it is ${op?.status ?? 'not started'}.`;
    case 'uncertain':
      if (op?.status === 'submitting' || op?.status === 'submitted' || op?.status === 'uncertain') return undefined;
      return `${where}: only a submission can be uncertain; it is ${op?.status ?? 'not started'}.`;
    case 'resubmit-approved':
      if (op?.status === 'uncertain') return undefined;
      return `${where}: "resubmit-approved" resolves an uncertain submission; it is ${op?.status ?? 'not started'}.`;
    case 'failed':
      if (op?.status === 'completed') return `${where} is already completed; it cannot fail now.`;
      return undefined;
    case 'passed':
      if (op?.status === 'submitting' || op?.status === 'submitted' || op?.status === 'uncertain') {
        return `${where} is a paid operation in flight or uncertain, not a check.`;
      }
      return undefined;
    case 'completed':
      return undefined;
  }
}

function unitStatus(ops: Record<string, OpState>): UnitStatus {
  let inFlight = false;
  let failed = false;
  for (const name in ops) {
    const status = ops[name]!.status;
    if (status === 'uncertain') return 'uncertain';
    if (status === 'submitting' || status === 'submitted') inFlight = true;
    else if (status === 'failed') failed = true;
  }
  return inFlight ? 'in-flight' : failed ? 'failed' : 'pending';
}

/**
 * @internal The `snapshot` line of a unit (without its newline), lean: what loading restores is left out (the unit's
 * `updatedAt` is the line's `at`, an op's name is its key, an op's `updatedAt` is left out when it equals the unit's).
 * Loading fills them in again. The line of a unit kept packed (done, see {@link packable}, or only planned, see
 * {@link onlyPlanned}) is sealed with a checksum (see sealSnapshotLine), so loading keeps it packed without parsing it
 * or looking inside it; any other unit's line (in flight, failed, uncertain, part done) is left unsealed and is parsed.
 * Also the packed form of a unit in memory.
 */
export function snapshotLineOf(unit: MutableUnitState): string {
  const { updatedAt, ops } = unit;
  const leanOps: Record<string, object> = {};
  // Fields named one by one (JSON.stringify leaves out the undefined ones): a rest pattern would copy them several
  // times slower, and packing runs once per unit and stage.
  for (const name in ops) {
    const op = ops[name]!;
    leanOps[name] = {
      status: op.status,
      attempt: op.attempt,
      jobId: op.jobId,
      provider: op.provider,
      error: op.error,
      reason: op.reason,
      outputKeys: op.outputKeys,
      charge: op.charge,
      imported: op.imported,
      updatedAt: op.updatedAt === updatedAt ? undefined : op.updatedAt,
    };
  }
  const json = JSON.stringify({
    seq: unit.seq,
    at: updatedAt,
    type: 'snapshot',
    unitId: unit.unitId,
    state: { unitId: unit.unitId, status: unit.status, outputKeys: unit.outputKeys, ops: leanOps },
  });
  return packable(unit) || onlyPlanned(unit) ? sealSnapshotLine(json) : json;
}

/**
 * @internal Whether a unit is kept packed (as its snapshot line, a third of the memory of its objects, see
 * {@link snapshotLineOf}): a done unit, which later events rarely touch, without an op left `submitting` (loading
 * reports those as uncertain, which needs the objects).
 */
export function packable(unit: MutableUnitState): boolean {
  if (unit.status !== 'done') return false;
  for (const name in unit.ops) if (unit.ops[name]!.status === 'submitting') return false;
  return true;
}

/**
 * @internal Whether a unit is only planned (pending, every op `planned` and never submitted, no error): the state a
 * run's plan leaves every unit in before it starts, kept packed like a done unit (see {@link packable}).
 */
export function onlyPlanned(unit: MutableUnitState): boolean {
  if (unit.status !== 'pending') return false;
  for (const name in unit.ops) {
    const op = unit.ops[name]!;
    if (op.status !== 'planned' || op.attempt !== 0 || op.error || op.reason || op.jobId || op.imported) return false;
  }
  return true;
}

/** @internal The state of a packed unit: its snapshot line (written by {@link snapshotLineOf} or read from the file). */
export function unpackUnit(line: string): MutableUnitState {
  return newUnitState(JSON.parse(line) as SnapshotEvent);
}

/** @internal The state `event` makes of a unit that had none (a snapshot, or a unit's first event). */
export function newUnitState(event: JournalEvent): MutableUnitState {
  const units = new Map<string, MutableUnitState>();
  applyJournalEvent(units, event);
  return units.get(event.unitId)!;
}
