import { ValidationError } from '../errors/validation-error.js';
import { decodeJournalEvent, type JournalEvent, type JournalEventInput } from './journal-event.js';
import {
  applyJournalEvent,
  checkTransition,
  type MutableUnitState,
  markInterruptedSubmissions,
  type OpState,
  type OpStatus,
  onlyPlanned,
  packable,
  packedSeq,
  snapshotLineOf,
  type UnitState,
  type UnitStateTable,
  type UnitStatus,
  unpackUnit,
} from './journal-state.js';
import { type AppendOptions, type CorruptLine, JsonLinesFile, type TailRepair } from './json-lines-file.js';
import { PackedLines } from './packed-lines.js';

/** Options for {@link openJournal}. */
export interface JournalOptions {
  /**
   * fsync after every append (appends made while one is being written share the next fsync). Turn off only for
   * throwaway data: a power loss could then lose acknowledged events.
   * @default true
   */
  fsync?: boolean;
  /**
   * Called for each corrupt line in the middle of the file; the line is skipped. Without it, such a line is a
   * {@link ValidationError} naming its line number. (A torn LAST line, from a crash mid-write, is always dropped.)
   */
  onCorruptLine?: (info: CorruptLine) => void;
  /** Clock for `at` timestamps. @default () => new Date() */
  now?: () => Date;
  /**
   * Compact the file after loading it when it holds many more lines than units (at least
   * {@link autoCompactMinLines} lines, and {@link autoCompactRatio} per unit or more), so the next open reads one
   * snapshot per unit instead of every event. It runs in the background (write-then-rename, like
   * {@link ProgressJournal.compact}); appends made meanwhile wait for it and go to the new file.
   * @default true
   */
  autoCompact?: boolean;
}

/** Fewest lines a journal must hold before it is compacted when opened (see {@link JournalOptions.autoCompact}). */
export const autoCompactMinLines = 100_000;
/** Lines per unit from which a journal is compacted when opened (see {@link JournalOptions.autoCompact}). */
export const autoCompactRatio = 4;

/** A submitted op whose job id is known: after a restart, poll this job instead of submitting again. */
export interface InFlightOp {
  unitId: string;
  op: string;
  jobId: string;
  provider: string;
  attempt: number;
}

/** A submission that may or may not have been charged: a person decides (see `resubmit-approved`). */
export interface UncertainOp {
  unitId: string;
  op: string;
  attempt: number;
  reason: string;
  /** When it became uncertain, ISO 8601. */
  at: string;
}

/**
 * The append-only progress journal of one model (`<workspace>/models/<model>/progress.jsonl`). One process writes
 * it (the orchestrator). Queries read the in-memory state, which already includes appends still being written.
 */
export interface ProgressJournal {
  /** The file. */
  readonly path: string;
  /** What opening repaired: `truncated` (a torn last line was dropped), `terminated` (a newline was added) or `none`. */
  readonly repaired: TailRepair;
  /**
   * Appends an event and resolves once it is on disk (fsynced), with the `seq` and `at` it was given (at once with
   * `{ durability: 'deferred' }`: it is then written with the next immediate event, see {@link AppendOptions}). Safe with many
   * concurrent callers: events are written in call order. Refuses an illegal step with a {@link ValidationError}
   * before writing anything, e.g. a second `submitting` while the op is in flight or uncertain (that would pay
   * twice).
   * @example
   * ```ts no-run
   * await journal.append({ type: 'submitting', unitId, op: 'swap' }); // BEFORE the paid request
   * const job = await swapper.swap(input);
   * await journal.append({ type: 'submitted', unitId, op: 'swap', jobId: job.id, provider: job.provider });
   * ```
   */
  append(event: JournalEventInput, options?: AppendOptions): Promise<JournalEvent>;
  /**
   * The folded state of a unit, or undefined when the journal has never seen it. A live view, updated in place by
   * later events, while the unit is started and not done (a done unit, and one planned and not yet started, is kept
   * compact and read back at each call): copy it (`structuredClone`) to keep a snapshot.
   */
  state(unitId: string): UnitState | undefined;
  /** Whether the unit is done, without reading a done unit back (cheaper than {@link ProgressJournal.state}). */
  isDone(unitId: string): boolean;
  /** Whether the journal has seen the unit (without reading a done unit back). */
  has(unitId: string): boolean;
  /**
   * Every unit, in first-seen order; with `{ done: false }`, those not done. Done units are kept compact in memory (as
   * their snapshot line), so each call reads them back: prefer {@link ProgressJournal.unitIds} or `{ done: false }`
   * where they suffice.
   */
  units(filter?: { done?: false }): UnitState[];
  /** Every unit's id, in first-seen order. */
  unitIds(): string[];
  /** Units with status `pending`: planned, maybe partly done, nothing in flight, failed or uncertain. */
  pending(): UnitState[];
  /**
   * Ops submitted with a known job id: reattach to these after a restart. (An op this process is sending right now,
   * `submitting` without a job id yet, is not listed; after a restart it is listed by {@link ProgressJournal.uncertain}.)
   */
  inFlight(): InFlightOp[];
  /** Ops that may or may not have been charged (including those left `submitting` by a stopped process). */
  uncertain(): UncertainOp[];
  /** Units with status `done`. */
  done(): UnitState[];
  /** Units with status `failed` (see each failed op's `error.retryable`). */
  failed(): UnitState[];
  /** How many units have each status. */
  counts(): Record<UnitStatus, number>;
  /**
   * Rewrites the file as one `snapshot` line per unit (write-then-rename, fsynced), keeping every unit's state and
   * the `seq` counter. A crash during compaction leaves the old file whole; its temp file is removed on next open.
   */
  compact(): Promise<void>;
  /** Resolves once every event appended so far, deferred ones included, is written and fsynced. */
  flush(): Promise<void>;
  /**
   * Waits for pending appends, then closes the file.
   * @throws {StorageError} when a write failed earlier (the file is closed anyway): deferred events may be lost.
   */
  close(): Promise<void>;
}

/**
 * Opens (or creates) a progress journal and loads it. A torn last line is dropped (and truncated away, so later
 * appends stay line-aligned); ops left `submitting` by a stopped process load as `uncertain`; ops `submitted` load as
 * {@link ProgressJournal.inFlight}, to be reattached by job id.
 *
 * @throws {ValidationError} when a line in the middle is corrupt (unless `onCorruptLine` is given).
 * @throws {StorageError} when the file cannot be read or created.
 * @example
 * ```ts no-run
 * const journal = await openJournal('workspace/models/andie/progress.jsonl');
 * for (const job of journal.inFlight()) await reattach(job.jobId);
 * for (const op of journal.uncertain()) console.warn(`${op.unitId} ${op.op}: ${op.reason}`);
 * ```
 */
export async function openJournal(path: string, options: JournalOptions = {}): Promise<ProgressJournal> {
  const units = new PackedUnits();
  let lastSeq = 0;
  const file = await JsonLinesFile.open<JournalEvent>(path, {
    label: 'Progress journal',
    fsync: options.fsync ?? true,
    onCorruptLine: options.onCorruptLine,
    decode: decodeJournalEvent,
    onRecord: (event, text) => {
      // A done unit's snapshot (what a compacted journal mostly holds) is kept as its line: no objects to build.
      if (event.type === 'snapshot' && text.startsWith(`{"seq":${event.seq},`)) units.load(event, text);
      else units.apply(event, false);
      if (event.seq > lastSeq) lastSeq = event.seq;
    },
  });
  markInterruptedSubmissions(units.live());
  const journal = new FileProgressJournal(file, units, lastSeq, options.now ?? (() => new Date()));
  const lines = file.linesRead;
  if ((options.autoCompact ?? true) && lines >= autoCompactMinLines && lines >= autoCompactRatio * units.size) {
    // A failed compaction leaves the old file whole and marks the journal broken: the next append reports it.
    journal.compact().catch(() => undefined);
  }
  return journal;
}

/**
 * The journal's units by id. A unit that is done, or planned and not yet started, is kept packed, as its snapshot
 * line (stored outside the JavaScript heap and mostly on disk, see {@link PackedLines}: nothing for the garbage
 * collector to trace or to size the heap by), and read back when asked for; any other unit (in flight, failed,
 * uncertain) is kept as its objects, updated in place. A run of 100,000 units then holds objects only for the units in
 * flight. Packed lines are what compaction writes.
 */
class PackedUnits implements UnitStateTable {
  /**
   * A unit's objects, or its packed line: as read from the file (a string, always a done unit: loading stays as fast
   * as reading it), or the number of a line packed since (see {@link PackedLines}): `n` for a done unit, `-n - 1` for
   * a unit planned and not started.
   */
  private readonly byId = new Map<string, MutableUnitState | string | number>();
  private readonly lines = new PackedLines();
  /** How many units are packed as planned (the negative numbers of `byId`). */
  private plannedPacked = 0;

  get size(): number {
    return this.byId.size;
  }

  /** The unit's state: its objects (the live ones when not packed, read back from its line when packed). */
  get(unitId: string): MutableUnitState | undefined {
    const unit = this.byId.get(unitId);
    return typeof unit === 'object' || unit === undefined ? unit : unpackUnit(this.lineOf(unit));
  }

  set(unitId: string, unit: MutableUnitState): void {
    this.byId.set(unitId, unit);
  }

  /**
   * Applies an event (see applyJournalEvent), then packs the unit when it is done or only planned and `pack` is set
   * (not while loading events one by one: a unit's later events would read it back).
   */
  apply(event: JournalEvent, pack = true): void {
    const packed = this.byId.get(event.unitId);
    if (packed !== undefined && typeof packed !== 'object') {
      if (typeof packed === 'number' && packed < 0) this.plannedPacked--;
      this.byId.set(event.unitId, unpackUnit(this.lineOf(packed)));
    }
    applyJournalEvent(this, event);
    if (!pack) return;
    const unit = this.byId.get(event.unitId) as MutableUnitState;
    if (packable(unit)) this.byId.set(event.unitId, this.lines.add(snapshotLineOf(unit)));
    else if (onlyPlanned(unit)) {
      this.byId.set(event.unitId, -this.lines.add(snapshotLineOf(unit)) - 1);
      this.plannedPacked++;
    }
  }

  /** Loads a snapshot line read from the file: kept as is when its unit is done (checked by the event's decoding). */
  load(event: Extract<JournalEvent, { type: 'snapshot' }>, line: string): void {
    if (event.state.status !== 'done' || line.includes('"status":"submitting"')) this.apply(event, false);
    else this.byId.set(event.unitId, line);
  }

  has(unitId: string): boolean {
    return this.byId.has(unitId);
  }

  /** Whether the unit is done, without reading it back. */
  isDone(unitId: string): boolean {
    const unit = this.byId.get(unitId);
    if (typeof unit === 'number') return unit >= 0;
    return typeof unit === 'string' || unit?.status === 'done';
  }

  /** The units not packed as done: objects, and the units packed as planned read back. */
  *notDone(): IterableIterator<MutableUnitState> {
    for (const unit of this.byId.values()) {
      if (typeof unit === 'object') yield unit;
      else if (typeof unit === 'number' && unit < 0) yield unpackUnit(this.lineOf(unit));
    }
  }

  /** The units kept as objects (neither done nor only planned: what can be in flight, failed or uncertain). */
  *live(): IterableIterator<MutableUnitState> {
    for (const unit of this.byId.values()) if (typeof unit === 'object') yield unit;
  }

  /** How many units are packed as done, and as planned. */
  packedCounts(): { done: number; planned: number } {
    let packed = 0;
    for (const unit of this.byId.values()) if (typeof unit !== 'object') packed++;
    return { done: packed - this.plannedPacked, planned: this.plannedPacked };
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Releases the packed lines' spill file (see {@link PackedLines.close}). */
  close(): void {
    this.lines.close();
  }

  /** A packed unit's line. */
  private lineOf(packed: string | number): string {
    if (typeof packed === 'string') return packed;
    return this.lines.line(packed < 0 ? -packed - 1 : packed);
  }

  /** Every unit's state in first-seen order (packed ones read back), or those not done. */
  states(filter: { done?: false } = {}): MutableUnitState[] {
    const result: MutableUnitState[] = [];
    for (const unit of this.byId.values()) {
      if (typeof unit === 'object') {
        if (filter.done !== false || unit.status !== 'done') result.push(unit);
      } else if (filter.done !== false || (typeof unit === 'number' && unit < 0)) {
        result.push(unpackUnit(this.lineOf(unit)));
      }
    }
    return result;
  }

  /** The snapshot line of every unit, in the order of their last events (see ProgressJournal.compact). */
  snapshotLines(): string[] {
    const lines: { seq: number; line: string }[] = [];
    for (const unit of this.byId.values()) {
      if (typeof unit === 'object') lines.push({ seq: unit.seq, line: snapshotLineOf(unit) });
      else {
        const line = this.lineOf(unit);
        lines.push({ seq: packedSeq(line), line });
      }
    }
    lines.sort((a, b) => a.seq - b.seq);
    return lines.map(({ line }) => `${line}\n`);
  }
}

class FileProgressJournal implements ProgressJournal {
  constructor(
    private readonly file: JsonLinesFile,
    private readonly byId: PackedUnits,
    private lastSeq: number,
    private readonly now: () => Date,
  ) {}

  /** The timestamp of the last event appended (see toEvent). */
  private lastAt = '';

  get path(): string {
    return this.file.path;
  }

  get repaired(): TailRepair {
    return this.file.repaired;
  }

  append(input: JournalEventInput, options?: AppendOptions): Promise<JournalEvent> {
    // Everything up to the write runs synchronously, so concurrent callers see each other's events.
    try {
      this.file.assertWritable();
      const event = this.toEvent(input);
      this.byId.apply(event);
      this.lastSeq = event.seq;
      return this.file.append(`${JSON.stringify(event)}\n`, options).then(() => event);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  state(unitId: string): UnitState | undefined {
    return this.byId.get(unitId);
  }

  isDone(unitId: string): boolean {
    return this.byId.isDone(unitId);
  }

  has(unitId: string): boolean {
    return this.byId.has(unitId);
  }

  units(filter?: { done?: false }): UnitState[] {
    return this.byId.states(filter);
  }

  unitIds(): string[] {
    return this.byId.ids();
  }

  pending(): UnitState[] {
    return this.withStatus('pending');
  }

  done(): UnitState[] {
    return this.byId.states().filter((unit) => unit.status === 'done');
  }

  failed(): UnitState[] {
    return this.withStatus('failed');
  }

  inFlight(): InFlightOp[] {
    return this.collectOps('submitted', (unit, op) =>
      op.jobId === undefined
        ? undefined
        : { unitId: unit.unitId, op: op.op, jobId: op.jobId, provider: op.provider ?? '', attempt: op.attempt },
    );
  }

  uncertain(): UncertainOp[] {
    return this.collectOps('uncertain', (unit, op) => ({
      unitId: unit.unitId,
      op: op.op,
      attempt: op.attempt,
      reason: op.reason ?? '',
      at: op.updatedAt,
    }));
  }

  counts(): Record<UnitStatus, number> {
    const counts: Record<UnitStatus, number> = { pending: 0, 'in-flight': 0, uncertain: 0, failed: 0, done: 0 };
    const packed = this.byId.packedCounts();
    counts.done = packed.done;
    counts.pending = packed.planned;
    for (const unit of this.byId.live()) counts[unit.status]++;
    return counts;
  }

  compact(): Promise<void> {
    // The snapshot is taken now, so it holds exactly the events appended before this call.
    return this.file.replace(this.byId.snapshotLines());
  }

  flush(): Promise<void> {
    return this.file.barrier();
  }

  async close(): Promise<void> {
    try {
      await this.file.close();
    } finally {
      this.byId.close();
    }
  }

  /** Maps every op with `status` of every unit not yet done. */
  private collectOps<T>(status: OpStatus, map: (unit: UnitState, op: OpState) => T | undefined): T[] {
    const result: T[] = [];
    for (const unit of this.byId.live()) {
      if (unit.status === 'done') continue;
      for (const name in unit.ops) {
        const op = unit.ops[name]!;
        if (op.status !== status) continue;
        const item = map(unit, op);
        if (item !== undefined) result.push(item);
      }
    }
    return result;
  }

  /** Units with `status` (not done: packed units are done or only planned, see PackedUnits). */
  private withStatus(status: Exclude<UnitStatus, 'done'>): UnitState[] {
    const result: UnitState[] = [];
    const units = status === 'pending' ? this.byId.notDone() : this.byId.live();
    for (const unit of units) if (unit.status === status) result.push(unit);
    return result;
  }

  private toEvent(input: JournalEventInput): JournalEvent {
    if (typeof input !== 'object' || input === null || typeof input.unitId !== 'string' || input.unitId === '') {
      throw new ValidationError('A journal event needs a non-empty unitId.', { field: 'unitId' });
    }
    const unit = this.byId.get(input.unitId);
    const problem = checkTransition(unit, input);
    if (problem) throw new ValidationError(problem, { field: 'type', value: input.type });
    // Events of the same millisecond share one timestamp string (a planned stage keeps its event's until it runs).
    const at = this.now().toISOString();
    if (at !== this.lastAt) this.lastAt = at;
    const meta = { seq: this.lastSeq + 1, at: this.lastAt };
    if (input.type === 'submitting') {
      const attempt = input.attempt ?? (unit?.ops[input.op]?.attempt ?? 0) + 1;
      return { ...meta, type: 'submitting', unitId: input.unitId, op: input.op, attempt };
    }
    const event = decodeJournalEvent({ ...meta, ...input });
    if (typeof event === 'string') {
      throw new ValidationError(`Invalid ${input.type} event for unit ${input.unitId}: ${event}.`, { field: 'type' });
    }
    return event;
  }
}
