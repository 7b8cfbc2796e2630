import type { UnitState } from './journal-state.js';

/**
 * A unit of work is planned. Appending it again for a unit that already has events changes nothing, so a resumed
 * run can re-plan everything.
 */
export interface PlannedEventInput {
  type: 'planned';
  /** Opaque unit id, e.g. `andie:s2:t003:sfw:enhanced`. */
  unitId: string;
  /** The operations this unit needs, e.g. `['swap', 'enhance']` (listed as `planned` in {@link UnitState.ops}). */
  ops?: string[];
}

/** A paid request is about to be sent. Append it, and wait for the append, BEFORE sending the request. */
export interface SubmittingEventInput {
  type: 'submitting';
  unitId: string;
  /** The operation, e.g. `swap` or `enhance`. */
  op: string;
  /** 1 for the first submission. @default the op's previous attempt + 1 */
  attempt?: number;
}

/** The provider accepted the request and returned a job id: after a restart, reattach to it instead of paying again. */
export interface SubmittedEventInput {
  type: 'submitted';
  unitId: string;
  op: string;
  /** The provider's job id. */
  jobId: string;
  /** The provider's id, e.g. `maxstudio`. */
  provider: string;
}

/** An operation (with `op`) or the whole unit (without `op`) finished. */
export interface CompletedEventInput {
  type: 'completed';
  unitId: string;
  /** The operation that finished; omit it when the whole unit is done. */
  op?: string;
  /** Storage keys written. @default [] */
  outputKeys?: string[];
  /**
   * What the provider charged for the op (op-level events), as the ledger's actual charge records it: lets a resume
   * rebuild that charge exactly if the ledger's (deferred) record was lost in a crash.
   */
  charge?: { amount: number; unit: string };
  /**
   * Set when the work was done elsewhere and imported (e.g. by `studio.importPrototype`): where it came from and, when
   * known, when it was done there (ISO 8601, UTC). For `run`, `status` and `costs` the stage is done like any other.
   */
  imported?: ImportedMark;
}

/** Where an imported stage's work was done, for {@link CompletedEventInput.imported}. */
export interface ImportedMark {
  /** The tool or record it came from, e.g. `prototype`. */
  from: string;
  /** When it was done there, ISO 8601 (UTC), when known. */
  at?: string;
}

/** An operation failed (nothing is in flight any more). */
export interface FailedEventInput {
  type: 'failed';
  unitId: string;
  op: string;
  /** Stable error code, e.g. `provider` or `no-face`. */
  code: string;
  /** What happened, for people. */
  message: string;
  /** Whether trying again may succeed. */
  retryable: boolean;
}

/** A submission's response was lost (timeout, reset connection): it may or may not have been charged. */
export interface UncertainEventInput {
  type: 'uncertain';
  unitId: string;
  op: string;
  /** What happened, for people. */
  reason: string;
}

/**
 * A person decided that an uncertain submission may be sent again (accepting a possible second charge, or having
 * checked the provider's account). The op becomes `planned`; the next `submitting` is a new attempt.
 */
export interface ResubmitApprovedEventInput {
  type: 'resubmit-approved';
  unitId: string;
  op: string;
  /** Who approved it and why. */
  note?: string;
}

/**
 * A check of the unit passed, e.g. `consent`, `target-check` or `verify`: a step that costs nothing and is not
 * repeated by a resume once the unit is done. Clears an earlier `failed` of the same check (a fixed input).
 */
export interface PassedEventInput {
  type: 'passed';
  unitId: string;
  /** The check, e.g. `consent`, `target-check`, `verify`. */
  op: string;
  /** What was checked, for people (e.g. `1 face, 512x512`). */
  detail?: string;
}

/** What {@link ProgressJournal.append} takes: an event without `seq` and `at`, which the journal assigns. */
export type JournalEventInput =
  | PlannedEventInput
  | SubmittingEventInput
  | SubmittedEventInput
  | CompletedEventInput
  | FailedEventInput
  | UncertainEventInput
  | ResubmitApprovedEventInput
  | PassedEventInput;

/** Fields the journal adds to every event it writes. */
export interface JournalEventMeta {
  /** Position in the journal: 1, 2, 3, ... (kept by compaction). */
  seq: number;
  /** When it was appended, ISO 8601. */
  at: string;
}

/** Written by {@link ProgressJournal.compact}: the folded state of one unit, replacing its earlier events. */
export interface SnapshotEvent extends JournalEventMeta {
  type: 'snapshot';
  unitId: string;
  state: UnitState;
}

/** A journal line: one of the inputs as written (with `seq`, `at` and a resolved `attempt`), or a snapshot. */
export type JournalEvent =
  | (PlannedEventInput & JournalEventMeta)
  | (Omit<SubmittingEventInput, 'attempt'> & JournalEventMeta & { attempt: number })
  | (SubmittedEventInput & JournalEventMeta)
  | (CompletedEventInput & JournalEventMeta)
  | (FailedEventInput & JournalEventMeta)
  | (UncertainEventInput & JournalEventMeta)
  | (ResubmitApprovedEventInput & JournalEventMeta)
  | (PassedEventInput & JournalEventMeta)
  | SnapshotEvent;

/** Every event `type`. */
export type JournalEventType = JournalEvent['type'];

const OP_EVENTS = new Set(['submitting', 'submitted', 'failed', 'uncertain', 'resubmit-approved', 'passed']);
const STATUSES = new Set(['planned', 'submitting', 'submitted', 'completed', 'failed', 'uncertain', 'passed']);
const UNIT_STATUSES = new Set(['pending', 'in-flight', 'uncertain', 'failed', 'done']);

/** @internal Checks one parsed journal line; returns the event or why it is not one. Fast: no schema library. */
export function decodeJournalEvent(value: unknown): JournalEvent | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || typeof v.at !== 'string' || typeof v.unitId !== 'string') {
    return 'missing seq, at or unitId';
  }
  const type = v.type;
  if (typeof type !== 'string') return 'missing type';
  if (OP_EVENTS.has(type) && typeof v.op !== 'string') return `${type} event without op`;
  switch (type) {
    case 'planned':
      return v.ops === undefined || isStringArray(v.ops) ? (v as unknown as JournalEvent) : 'ops is not a list';
    case 'submitting':
      return typeof v.attempt === 'number' ? (v as unknown as JournalEvent) : 'submitting event without attempt';
    case 'submitted':
      return typeof v.jobId === 'string' && typeof v.provider === 'string'
        ? (v as unknown as JournalEvent)
        : 'submitted event without jobId or provider';
    case 'completed':
      if (v.op !== undefined && typeof v.op !== 'string') return 'op is not a string';
      if (v.charge !== undefined && !isCharge(v.charge)) return 'charge is not { amount, unit }';
      if (v.imported !== undefined && !isImportedMark(v.imported)) return 'imported is not { from, at? }';
      return v.outputKeys === undefined || isStringArray(v.outputKeys)
        ? (v as unknown as JournalEvent)
        : 'outputKeys is not a list';
    case 'failed':
      return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.retryable === 'boolean'
        ? (v as unknown as JournalEvent)
        : 'failed event without code, message or retryable';
    case 'uncertain':
      return typeof v.reason === 'string' ? (v as unknown as JournalEvent) : 'uncertain event without reason';
    case 'resubmit-approved':
      return v as unknown as JournalEvent;
    case 'passed':
      return v.detail === undefined || typeof v.detail === 'string'
        ? (v as unknown as JournalEvent)
        : 'detail is not a string';
    case 'snapshot':
      return isUnitState(v.state) ? (v as unknown as JournalEvent) : 'snapshot without a valid state';
    default:
      return `unknown event type "${type}"`;
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isUnitState(value: unknown): value is UnitState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  if (typeof s.unitId !== 'string' || !UNIT_STATUSES.has(s.status as string)) return false;
  if (typeof s.ops !== 'object' || s.ops === null || !isStringArray(s.outputKeys)) return false;
  return Object.values(s.ops as Record<string, unknown>).every(
    (op) =>
      typeof op === 'object' &&
      op !== null &&
      STATUSES.has((op as Record<string, unknown>).status as string) &&
      typeof (op as Record<string, unknown>).attempt === 'number',
  );
}

function isCharge(value: unknown): value is { amount: number; unit: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { amount, unit } = value as { amount?: unknown; unit?: unknown };
  return typeof amount === 'number' && Number.isFinite(amount) && amount >= 0 && typeof unit === 'string';
}

function isImportedMark(value: unknown): value is ImportedMark {
  if (typeof value !== 'object' || value === null) return false;
  const { from, at } = value as { from?: unknown; at?: unknown };
  return typeof from === 'string' && (at === undefined || typeof at === 'string');
}
