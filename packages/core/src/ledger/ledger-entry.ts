/**
 * What a ledger entry records:
 * - `estimate`: the planned cost of an op (the latest estimate per item and op counts).
 * - `reserved`: held against the budget before an op is submitted (one open reservation per item and op).
 * - `actual`: a charge. Recorded once per (itemId, op, jobId) however often it is written. Closes the reservation,
 *   and the uncertain entry of the same attempt.
 * - `uncertain`: a submission whose response was lost, so it may have been charged (once per itemId, op, attempt).
 *   Closes the reservation; counts as spend until resolved by an `actual` or a `release`.
 * - `release`: frees the open reservation (the submission failed before the provider accepted it), or with
 *   `releases: 'uncertain'` closes an uncertain entry known not to have been charged.
 */
export type LedgerEntryKind = 'estimate' | 'reserved' | 'actual' | 'uncertain' | 'release';

/**
 * Where an amount comes from. `price-table`: computed from the model's configured prices (the MaxStudio API reports
 * no charges, so its `actual` amounts are always from the price table). `provider-reported`: the provider said so.
 */
export type ChargeSource = 'provider-reported' | 'price-table';

/** What {@link CostLedger.record} takes. */
export interface LedgerEntryInput {
  kind: LedgerEntryKind;
  /** The model, e.g. `andie`. */
  model: string;
  /** The unit of work (opaque id, e.g. `andie:s2:t003:sfw:enhanced`). */
  itemId: string;
  /** The operation, e.g. `swap` or `enhance`. */
  op: string;
  /** The provider's id, e.g. `maxstudio`. */
  provider: string;
  /** The cost, in `unitOfAccount`. */
  amount: number;
  /** Unit of account, e.g. `credits` or `USD`. */
  unitOfAccount: string;
  /** Quantity of work billed, e.g. images. @default 1 */
  units?: number;
  /** Where `amount` comes from. @default 'price-table' */
  source?: ChargeSource;
  /** Which submission of the op (matches the journal's attempt). @default 1 */
  attempt?: number;
  /** The provider's job id, when there is one. Distinct job ids are distinct charges. */
  jobId?: string;
  /** Content rating, e.g. `sfw`, for summaries. */
  rating?: string;
  /** For `release`: what it frees. @default 'reserved' */
  releases?: 'reserved' | 'uncertain';
  /** Free text for people. */
  note?: string;
  /**
   * True for a charge imported from another tool's records (e.g. the Python prototype, which recorded no costs): the
   * job was done and paid there; the amount is an estimate from the model's price table (`source: 'price-table'`).
   */
  imported?: boolean;
}

/** A ledger line: the input with defaults filled in, plus `seq` and `at`. */
export interface LedgerEntry
  extends Required<Omit<LedgerEntryInput, 'jobId' | 'rating' | 'releases' | 'note' | 'imported'>> {
  /** Position in the ledger: 1, 2, 3, ... */
  seq: number;
  /** When it was recorded, ISO 8601. */
  at: string;
  jobId?: string;
  rating?: string;
  releases?: 'reserved' | 'uncertain';
  note?: string;
  imported?: boolean;
}

const KINDS = new Set<string>(['estimate', 'reserved', 'actual', 'uncertain', 'release']);
const SOURCES = new Set<string>(['provider-reported', 'price-table']);
const REQUIRED_STRINGS = ['model', 'itemId', 'op', 'provider', 'unitOfAccount'] as const;
const OPTIONAL_STRINGS = ['jobId', 'rating', 'note'] as const;

/** @internal Why `v` is not a valid entry, or undefined. Shared by {@link CostLedger.record} and loading. */
export function ledgerEntryProblem(v: Record<string, unknown>): string | undefined {
  if (typeof v.kind !== 'string' || !KINDS.has(v.kind)) return `kind must be one of ${[...KINDS].join(', ')}`;
  for (const field of REQUIRED_STRINGS) {
    if (typeof v[field] !== 'string' || v[field] === '') return `${field} must be a non-empty string`;
  }
  if (typeof v.amount !== 'number' || !Number.isFinite(v.amount) || v.amount < 0) {
    return 'amount must be a finite number >= 0';
  }
  if (typeof v.units !== 'number' || !Number.isFinite(v.units) || v.units < 0) return 'units must be a number >= 0';
  if (typeof v.attempt !== 'number' || !Number.isInteger(v.attempt) || v.attempt < 1) {
    return 'attempt must be a whole number from 1';
  }
  if (typeof v.source !== 'string' || !SOURCES.has(v.source)) return 'source must be provider-reported or price-table';
  for (const field of OPTIONAL_STRINGS) {
    if (v[field] !== undefined && typeof v[field] !== 'string') return `${field} must be a string`;
  }
  if (v.imported !== undefined && typeof v.imported !== 'boolean') return 'imported must be a boolean';
  if (v.releases !== undefined && v.releases !== 'reserved' && v.releases !== 'uncertain') {
    return 'releases must be reserved or uncertain';
  }
  return undefined;
}

/** @internal Builds the stored entry (fixed key order, defaults filled in). */
export function toLedgerEntry(input: LedgerEntryInput, seq: number, at: string): LedgerEntry {
  const entry: LedgerEntry = {
    seq,
    at,
    kind: input.kind,
    model: input.model,
    itemId: input.itemId,
    op: input.op,
    provider: input.provider,
    units: input.units ?? 1,
    amount: input.amount,
    unitOfAccount: input.unitOfAccount,
    source: input.source ?? 'price-table',
    attempt: input.attempt ?? 1,
  };
  if (input.jobId !== undefined) entry.jobId = input.jobId;
  if (input.rating !== undefined) entry.rating = input.rating;
  if (input.kind === 'release') entry.releases = input.releases ?? 'reserved';
  if (input.note !== undefined) entry.note = input.note;
  if (input.imported) entry.imported = true;
  return entry;
}

/** @internal Checks one parsed ledger line. */
export function decodeLedgerEntry(value: unknown): LedgerEntry | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const v = value as Record<string, unknown>;
  if (typeof v.seq !== 'number' || typeof v.at !== 'string') return 'missing seq or at';
  return ledgerEntryProblem(v) ?? (v as unknown as LedgerEntry);
}
