import { ValidationError } from '../errors/validation-error.js';
import { type AppendOptions, type CorruptLine, JsonLinesFile } from '../journal/json-lines-file.js';
import { PackedIndex } from '../journal/packed-index.js';
import { PackedLines, type PackedLinesOptions } from '../journal/packed-lines.js';
import {
  decodeLedgerEntry,
  type LedgerEntry,
  type LedgerEntryInput,
  ledgerEntryProblem,
  toLedgerEntry,
} from './ledger-entry.js';
import {
  type LedgerSlot,
  type LedgerSummary,
  type LedgerSummaryOptions,
  type LedgerTotals,
  roundAmount,
  summarize,
} from './ledger-summary.js';

/** Options for {@link openLedger}. */
export interface LedgerOptions {
  /** fsync after every record (records made meanwhile share the next fsync). @default true */
  fsync?: boolean;
  /** Skip corrupt lines in the middle of the file and report them here, instead of throwing a ValidationError. */
  onCorruptLine?: (info: CorruptLine) => void;
  /** Clock for `at` timestamps. @default () => new Date() */
  now?: () => Date;
}

/** What {@link CostLedger.record} did. */
export interface LedgerRecordResult {
  /**
   * False when the entry changed nothing and was not written: an `actual` already recorded for the same
   * (itemId, op, jobId), an `uncertain` already recorded for the same (itemId, op, attempt), a `reserved` identical
   * to the open one, or a `release` with nothing open to release.
   */
  recorded: boolean;
  /** The entry written, or (when not recorded) the earlier entry it duplicates, or the refused one. */
  entry: LedgerEntry;
}

/**
 * The append-only cost ledger of one model (`<workspace>/models/<model>/costs.jsonl`). One process writes it
 * (the orchestrator). It is never compacted: it is the audit trail of what was spent.
 */
export interface CostLedger {
  /** The file. */
  readonly path: string;
  /** Number of entries loaded and recorded. */
  readonly size: number;
  /**
   * Records an entry and resolves once it is on disk (at once with `{ durability: 'deferred' }`: it is then written
   * with the next immediate record, see {@link AppendOptions}). Idempotent where it matters (see
   * {@link LedgerRecordResult.recorded}): recording the same actual charge after a crash and a reattach never counts
   * it twice. The in-memory totals change synchronously, before the write, so concurrent callers see each other.
   * @throws {ValidationError} for a malformed entry (nothing is written).
   * @example
   * ```ts no-run
   * await ledger.record({ kind: 'actual', model: 'andie', itemId, op: 'swap', provider: 'maxstudio',
   *   amount: 10, unitOfAccount: 'credits', source: 'price-table', jobId: job.id, attempt: 1 });
   * ```
   */
  record(entry: LedgerEntryInput, options?: AppendOptions): Promise<LedgerRecordResult>;
  /** The open reservation of an item's op, if any (release it with `{ ...it, kind: 'release' }`). */
  openReservation(itemId: string, op: string): LedgerEntry | undefined;
  /** Every open reservation, in the order their items were first recorded. */
  openReservations(): LedgerEntry[];
  /** Unresolved uncertain entries of an item's op. */
  openUncertain(itemId: string, op: string): LedgerEntry[];
  /** Whether an actual charge for (itemId, op, jobId) is recorded. */
  hasActual(itemId: string, op: string, jobId?: string): boolean;
  /** Amounts in one unit of account (zeros when there are none). */
  totals(unitOfAccount: string): LedgerTotals;
  /**
   * Every unit of account an entry was recorded in, in first-seen order: with {@link CostLedger.totals}, the totals of
   * the whole ledger from its running sums, without reading back every entry as {@link CostLedger.summary} does.
   */
  unitsOfAccount(): string[];
  /**
   * Totals grouped by model, op, rating, provider or item (and always unit of account), with where the actual
   * amounts come from and, when any come from the price table, a `note` to show beside them.
   */
  summary(options?: LedgerSummaryOptions): LedgerSummary;
  /** Resolves once every entry recorded so far, deferred ones included, is written and fsynced. */
  flush(): Promise<void>;
  /**
   * Waits for pending records, then closes the file.
   * @throws {StorageError} when a write failed earlier (the file is closed anyway): deferred entries may be lost.
   */
  close(): Promise<void>;
}

/**
 * Opens (or creates) a cost ledger and loads it. A torn last line is dropped; a corrupt line in the middle is a
 * {@link ValidationError} naming the line (unless `onCorruptLine` is given).
 * @example
 * ```ts no-run
 * const ledger = await openLedger('workspace/models/andie/costs.jsonl');
 * console.log(ledger.totals('credits').committed);
 * ```
 */
export async function openLedger(path: string, options: LedgerOptions = {}): Promise<CostLedger> {
  const state = new LedgerState();
  let lastSeq = 0;
  const file = await JsonLinesFile.open<LedgerEntry>(path, {
    label: 'Cost ledger',
    fsync: options.fsync ?? true,
    onCorruptLine: options.onCorruptLine,
    decode: decodeLedgerEntry,
    onRecord: (entry) => {
      state.apply(entry);
      if (entry.seq > lastSeq) lastSeq = entry.seq;
    },
  });
  return new FileCostLedger(file, state, lastSeq, options.now ?? (() => new Date()));
}

/** Where {@link LedgerState} has a slot kept as objects (any other value is the number of its packed line). */
const OPEN = -1;

interface MutableTotals {
  actual: number;
  reserved: number;
  uncertain: number;
  estimate: number;
}

/** @internal The folded ledger: per (item, op) slots, idempotency keys and running totals per unit of account. */
export class LedgerState {
  /**
   * Every `<itemId>\u0000<op>` in first-seen order, with {@link OPEN} for a slot kept as objects in
   * {@link LedgerState.open}, or, for a settled slot (one actual charge, nothing open: what most stages of a run
   * leave), the number of that charge's line in {@link LedgerState.lines}; both outside the JavaScript heap.
   */
  private readonly slots = new PackedIndex();
  /** The slots kept as objects (not settled), by key. */
  private readonly open = new Map<string, LedgerSlot>();
  private readonly lines: PackedLines;
  readonly uncertainKeys = new Map<string, LedgerEntry>();
  readonly totals = new Map<string, MutableTotals>();
  size = 0;

  /** `options`: of its packed lines (see {@link PackedLinesOptions}; a snapshot read and dropped does not spill). */
  constructor(options: PackedLinesOptions = {}) {
    this.lines = new PackedLines(options);
  }

  /** Applies an entry; returns the earlier entry it duplicates (or the entry itself when it changes nothing). */
  apply(entry: LedgerEntry): LedgerEntry | undefined {
    const slotKey = `${entry.itemId}\u0000${entry.op}`;
    let slot = this.slot(slotKey);
    if (!slot) {
      // Most slots never hold an uncertain entry: they share one empty list (lists are replaced when entries are added).
      slot = { uncertain: noEntries, actual: noEntries };
      this.open.set(slotKey, slot);
      this.slots.set(slotKey, OPEN);
    }
    switch (entry.kind) {
      case 'estimate':
        if (slot.estimate) this.add(slot.estimate, 'estimate', -1);
        slot.estimate = entry;
        this.add(entry, 'estimate', 1);
        break;
      case 'reserved': {
        const open = slot.reserved;
        if (
          open &&
          open.amount === entry.amount &&
          open.attempt === entry.attempt &&
          open.unitOfAccount === entry.unitOfAccount
        ) {
          return open;
        }
        if (open) this.add(open, 'reserved', -1);
        slot.reserved = entry;
        this.add(entry, 'reserved', 1);
        break;
      }
      case 'release':
        if (entry.releases === 'uncertain') {
          if (!this.closeUncertain(slot, entry.attempt)) return entry;
        } else {
          if (!slot.reserved) return entry;
          this.add(slot.reserved, 'reserved', -1);
          slot.reserved = undefined;
        }
        break;
      case 'actual': {
        // An actual charge is known by its slot and job id (a slot holds one or two: a list beats a key per charge).
        const earlier = actualOf(slot, entry.jobId);
        if (earlier) return earlier;
        slot.actual = appended(slot.actual, entry);
        this.add(entry, 'actual', 1);
        this.closeReservation(slot);
        this.closeUncertain(slot, entry.attempt);
        break;
      }
      case 'uncertain': {
        const key = `${slotKey}\u0000${entry.attempt}`;
        const earlier = this.uncertainKeys.get(key);
        if (earlier) return earlier;
        this.uncertainKeys.set(key, entry);
        slot.uncertain = appended(slot.uncertain, entry);
        this.add(entry, 'uncertain', 1);
        this.closeReservation(slot);
        break;
      }
    }
    this.size++;
    this.keep(slotKey, slot);
    return undefined;
  }

  /** The slot of `<itemId>\u0000<op>` (a settled one read back), if any. */
  slot(key: string): LedgerSlot | undefined {
    const slot = this.open.get(key);
    if (slot) return slot;
    const line = this.slots.get(key);
    return line === undefined ? undefined : this.unpack(line);
  }

  /** Every slot, in first-seen order (settled ones read back). */
  *slotValues(): IterableIterator<LedgerSlot> {
    for (let entry = 0; entry < this.slots.size; entry++) {
      const line = this.slots.valueAt(entry);
      yield line === OPEN ? this.open.get(this.slots.keyAt(entry))! : this.unpack(line);
    }
  }

  /** Every open reservation (settled slots have none), in first-seen order of their slots. */
  reservations(): LedgerEntry[] {
    const open: LedgerEntry[] = [];
    for (let entry = 0; entry < this.slots.size; entry++) {
      if (this.slots.valueAt(entry) !== OPEN) continue;
      const reserved = this.open.get(this.slots.keyAt(entry))!.reserved;
      if (reserved) open.push(reserved);
    }
    return open;
  }

  /** Releases the packed lines' spill file (see {@link PackedLines.close}). */
  close(): void {
    this.lines.close();
  }

  /** Stores a changed slot: packed when it is settled (one actual charge, nothing open or uncertain). */
  private keep(key: string, slot: LedgerSlot): void {
    const settled = !slot.estimate && !slot.reserved && slot.uncertain.length === 0 && slot.actual.length === 1;
    if (settled) {
      this.slots.set(key, this.lines.add(JSON.stringify(slot.actual[0])));
      this.open.delete(key);
    } else {
      this.slots.set(key, OPEN);
      this.open.set(key, slot);
    }
  }

  private unpack(line: number): LedgerSlot {
    return { uncertain: noEntries, actual: [JSON.parse(this.lines.line(line)) as LedgerEntry] };
  }

  /** Resolves the open uncertain entry of `attempt`, if any; returns whether there was one. */
  private closeUncertain(slot: LedgerSlot, attempt: number): boolean {
    const index = slot.uncertain.findIndex((u) => u.attempt === attempt);
    if (index < 0) return false;
    this.add(slot.uncertain[index]!, 'uncertain', -1);
    slot.uncertain.splice(index, 1);
    return true;
  }

  private closeReservation(slot: LedgerSlot): void {
    if (!slot.reserved) return;
    this.add(slot.reserved, 'reserved', -1);
    slot.reserved = undefined;
  }

  private add(entry: LedgerEntry, field: keyof MutableTotals, sign: 1 | -1): void {
    let totals = this.totals.get(entry.unitOfAccount);
    if (!totals) {
      totals = { actual: 0, reserved: 0, uncertain: 0, estimate: 0 };
      this.totals.set(entry.unitOfAccount, totals);
    }
    totals[field] += sign * entry.amount;
  }
}

/**
 * `list` with `entry` at the end, in a new array of the exact length: a push (or a spread) gives a one-entry list
 * room for 16 entries, about 130 bytes per slot, and most slots keep one entry for good.
 */
/** The empty list that new slots share (frozen: entries are added by replacing a slot's list, see `appended`). */
const noEntries = Object.freeze([]) as unknown as LedgerEntry[];

function appended(list: LedgerEntry[], entry: LedgerEntry): LedgerEntry[] {
  return list.length === 0 ? [entry] : list.concat([entry]);
}

/** The actual charge of `slot` with job id `jobId` (none, or empty: without one), if recorded. */
function actualOf(slot: LedgerSlot, jobId: string | undefined): LedgerEntry | undefined {
  const id = jobId ?? '';
  for (const entry of slot.actual) if ((entry.jobId ?? '') === id) return entry;
  return undefined;
}

class FileCostLedger implements CostLedger {
  constructor(
    private readonly file: JsonLinesFile,
    private readonly state: LedgerState,
    private lastSeq: number,
    private readonly now: () => Date,
  ) {}

  get path(): string {
    return this.file.path;
  }

  get size(): number {
    return this.state.size;
  }

  record(input: LedgerEntryInput, options?: AppendOptions): Promise<LedgerRecordResult> {
    // Validation and the in-memory change run synchronously (a budget's check-and-reserve relies on it).
    try {
      this.file.assertWritable();
      if (typeof input !== 'object' || input === null) throw new ValidationError('A ledger entry must be an object.');
      const entry = toLedgerEntry(input, this.lastSeq + 1, this.now().toISOString());
      const problem = ledgerEntryProblem(entry as unknown as Record<string, unknown>);
      if (problem) {
        throw new ValidationError(
          `Invalid ${String(input.kind)} ledger entry for ${String(input.itemId)}: ${problem}.`,
          {
            field: 'entry',
          },
        );
      }
      const duplicate = this.state.apply(entry);
      if (duplicate) return this.file.barrier().then(() => ({ recorded: false, entry: duplicate }));
      this.lastSeq = entry.seq;
      return this.file.append(`${JSON.stringify(entry)}\n`, options).then(() => ({ recorded: true, entry }));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  openReservation(itemId: string, op: string): LedgerEntry | undefined {
    return this.state.slot(`${itemId}\u0000${op}`)?.reserved;
  }

  openReservations(): LedgerEntry[] {
    return this.state.reservations();
  }

  openUncertain(itemId: string, op: string): LedgerEntry[] {
    return [...(this.state.slot(`${itemId}\u0000${op}`)?.uncertain ?? [])];
  }

  hasActual(itemId: string, op: string, jobId?: string): boolean {
    const slot = this.state.slot(`${itemId}\u0000${op}`);
    return slot !== undefined && actualOf(slot, jobId) !== undefined;
  }

  unitsOfAccount(): string[] {
    return [...this.state.totals.keys()];
  }

  totals(unitOfAccount: string): LedgerTotals {
    const t = this.state.totals.get(unitOfAccount) ?? { actual: 0, reserved: 0, uncertain: 0, estimate: 0 };
    const actual = roundAmount(t.actual);
    const reserved = roundAmount(t.reserved);
    const uncertain = roundAmount(t.uncertain);
    return {
      unitOfAccount,
      actual,
      reserved,
      uncertain,
      estimate: roundAmount(t.estimate),
      committed: roundAmount(actual + reserved + uncertain),
    };
  }

  summary(options: LedgerSummaryOptions = {}): LedgerSummary {
    return summarize(this.state.slotValues(), options.by ?? ['model', 'op', 'rating']);
  }

  flush(): Promise<void> {
    return this.file.barrier();
  }

  async close(): Promise<void> {
    try {
      await this.file.close();
    } finally {
      this.state.close();
    }
  }
}
