import { ValidationError } from '../errors/validation-error.js';
import { decodeJournalEvent, type JournalEvent, type JournalEventInput, type SnapshotEvent } from './journal-event.js';
import {
  applyJournalEvent,
  checkTransition,
  type MutableUnitState,
  markInterruptedSubmissions,
  newUnitState,
  type OpState,
  type OpStatus,
  onlyPlanned,
  packable,
  snapshotLineOf,
  type UnitState,
  type UnitStateTable,
  type UnitStatus,
  unpackUnit,
} from './journal-state.js';
import { type AppendOptions, type CorruptLine, JsonLinesFile, type TailRepair } from './json-lines-file.js';
import { PackedIndex } from './packed-index.js';
import { PackedLines } from './packed-lines.js';
import { readSealedSnapshot, type SealedSnapshot } from './sealed-snapshot.js';

/** Where {@link PackedUnits} has a unit kept as objects (any other value is the number of its packed line). */
const LIVE = -(2 ** 31);

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
   * Compact the file when it holds many more lines than units (at least {@link autoCompactMinLines} lines, and
   * {@link autoCompactRatio} per unit or more), so that an open reads one snapshot per unit and the events since,
   * instead of every event: after loading it, and whenever appends make it that long again, in the background
   * (write-then-rename, like {@link ProgressJournal.compact}; appends go on meanwhile and are written after it; a
   * compaction that cannot be written leaves the file in use as it was), and on {@link ProgressJournal.close}, so the
   * journal a run leaves is compact (a failure there leaves the file as appended, whole, and is not reported: nothing
   * is lost). A crash then leaves at most that many lines per unit, whatever the length of the run.
   * @default true
   */
  autoCompact?: boolean;
}

/**
 * Fewest lines a journal must hold before it is compacted (see {@link JournalOptions.autoCompact}): below it, loading
 * every event takes a few tens of milliseconds.
 */
export const autoCompactMinLines = 10_000;
/**
 * Lines per unit from which a journal is compacted (see {@link JournalOptions.autoCompact}): a run's journal is
 * compacted each time it has appended about half an event per unit since the last compaction (about 16 times in a run
 * of 8 events per unit, whatever its length, each writing a line per unit), so a crash leaves at most one and a half
 * lines per unit: a snapshot per unit, which loads without parsing (see snapshotLineOf), and the events since.
 */
export const autoCompactRatio = 1.5;

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
   * Appends events in order as one write (one fsync), checked one by one as {@link ProgressJournal.append} checks
   * them; resolves once they are on disk. At a refused event, the events before it are written and the promise
   * rejects with its {@link ValidationError}; it and the events after it are not. Cheaper than an `append` per event
   * for a large batch (a plan's `planned` events): the batch holds one line of text and one promise while it is written.
   */
  appendMany(events: readonly JournalEventInput[], options?: AppendOptions): Promise<void>;
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
   * Whether the unit is planned and nothing of it has started: every op `planned`, never submitted, no error (what a
   * plan journals before it runs), without reading such a unit back (cheaper than {@link ProgressJournal.state}).
   */
  notStarted(unitId: string): boolean;
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
    // A sealed snapshot line (see sealSnapshotLine) of a done unit, or of one only planned, is kept as it is, without
    // parsing it: what a compacted journal mostly holds. Only such lines are sealed (see snapshotLineOf): a done
    // unit's has no op left `submitting`. (A pending line is checked to be only planned all the same.)
    takeLine: (text, bytes, start, end) => {
      const sealed = readSealedSnapshot(text, bytes, start, end);
      if (sealed === undefined || typeof sealed === 'string') return sealed ?? false;
      units.loadPacked(text, sealed, bytes, start, end);
      if (sealed.seq > lastSeq) lastSeq = sealed.seq;
      return true;
    },
    onRecord: (event, text, bytes, start, end) => {
      // A done unit's snapshot (what a compacted journal mostly holds) is kept as its line: no objects to build.
      if (event.type === 'snapshot' && text.startsWith(`{"seq":${event.seq},`))
        units.load(event, text, bytes, start, end);
      // Any other event is applied to its unit's objects, which are packed once a unit-level `completed` (a unit's
      // last event, as a run writes them) makes it done: loading a journal as appended then holds the objects of
      // the units not done, not of every unit.
      else units.apply(event, event.type === 'completed' && event.op === undefined);
      if (event.seq > lastSeq) lastSeq = event.seq;
    },
  });
  markInterruptedSubmissions(units.objectStates());
  units.packSettled();
  const autoCompact = options.autoCompact ?? true;
  const journal = new FileProgressJournal(file, units, lastSeq, options.now ?? (() => new Date()), autoCompact);
  journal.compactIfWorth();
  return journal;
}

/** Whether a journal of `lines` lines and `units` units is compacted by {@link JournalOptions.autoCompact}. */
function worthCompacting(lines: number, units: number): boolean {
  return lines >= autoCompactMinLines && lines >= autoCompactRatio * units;
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
   * Every unit's id in first-seen order, with where its state is: {@link LIVE} (its objects, in
   * {@link PackedUnits.objects}), or the number of its packed line: `n` for a done unit, `-n - 1` for a unit planned and
   * not started. Outside the JavaScript heap, as the lines are (see {@link PackedIndex}).
   */
  private readonly index = new PackedIndex();
  /** The units kept as objects (neither done nor only planned: what can be in flight, failed or uncertain). */
  private readonly objects = new Map<string, MutableUnitState>();
  private readonly lines = new PackedLines();
  /** How many units are packed as done, and as planned. */
  private readonly packed = { done: 0, planned: 0 };

  get size(): number {
    return this.index.size;
  }

  /** The unit's state: its objects (the live ones when not packed, read back from its line when packed). */
  get(unitId: string): MutableUnitState | undefined {
    const unit = this.objects.get(unitId);
    if (unit) return unit;
    const at = this.index.get(unitId);
    return at === undefined ? undefined : unpackUnit(this.lineOf(at));
  }

  set(unitId: string, unit: MutableUnitState): void {
    this.place(unitId, LIVE);
    this.objects.set(unitId, unit);
  }

  /**
   * Applies an event (see applyJournalEvent), then packs the unit when it is done or only planned and `pack` is set
   * (while loading events one by one, only after a unit's last event: later events would read it back).
   */
  apply(event: JournalEvent, pack = true): void {
    const unitId = event.unitId;
    if (pack && event.type === 'planned' && !this.index.has(unitId)) {
      // A new unit, only planned (what a run's plan appends for each of its units): packed straight away, without
      // passing through the objects table.
      this.pack(unitId, -this.lines.add(snapshotLineOf(newUnitState(event))) - 1);
      return;
    }
    if (!this.objects.has(unitId)) {
      const at = this.index.get(unitId);
      if (at !== undefined) this.set(unitId, unpackUnit(this.lineOf(at)));
    }
    applyJournalEvent(this, event);
    if (pack) this.packIfSettled(unitId, this.objects.get(unitId)!);
  }

  /**
   * Packs every unit kept as objects that is done or only planned: after events were loaded one by one (a journal as
   * appended plans every stage first, and a unit's planned objects were kept while later events could change it).
   */
  packSettled(): void {
    for (const [unitId, unit] of this.objects) this.packIfSettled(unitId, unit);
  }

  private packIfSettled(unitId: string, unit: MutableUnitState): void {
    if (packable(unit)) this.pack(unitId, this.lines.add(snapshotLineOf(unit)));
    else if (onlyPlanned(unit)) this.pack(unitId, -this.lines.add(snapshotLineOf(unit)) - 1);
  }

  /**
   * Loads a snapshot line read from the file (its text, and its bytes from `start` to `end` of `bytes`): packed as it
   * is when its unit is done (checked by the event's decoding).
   */
  load(event: SnapshotEvent, line: string, bytes: Buffer, start: number, end: number): void {
    if (event.state.status !== 'done' || line.includes('"status":"submitting"')) this.apply(event, false);
    else this.pack(event.unitId, this.lines.addBytes(bytes, start, end));
  }

  /**
   * Keeps a sealed snapshot line read from the file (its text, and its bytes from `start` to `end` of `bytes`) as the
   * unit's packed line: as done, or as only planned (see readSealedSnapshot).
   */
  loadPacked(text: string, sealed: SealedSnapshot, bytes: Buffer, start: number, end: number): void {
    const n = this.lines.addBytes(bytes, start, end);
    const at = sealed.done ? n : -n - 1;
    // While no unit is kept as objects (reading the snapshots a compaction wrote), the id is indexed from its bytes,
    // which in an ASCII line (as long in characters as in bytes) are where its characters are.
    if (this.objects.size === 0 && end - start === text.length) {
      this.count(this.index.setUtf8(bytes, start + sealed.idStart, start + sealed.idEnd, at), at);
    } else this.pack(text.slice(sealed.idStart, sealed.idEnd), at);
  }

  has(unitId: string): boolean {
    return this.index.has(unitId);
  }

  /** Whether the unit is done, without reading it back. */
  isDone(unitId: string): boolean {
    const unit = this.objects.get(unitId);
    if (unit) return unit.status === 'done';
    return (this.index.get(unitId) ?? -1) >= 0;
  }

  /** Whether the unit is only planned (see onlyPlanned), without reading it back. */
  notStarted(unitId: string): boolean {
    const unit = this.objects.get(unitId);
    if (unit) return onlyPlanned(unit);
    const at = this.index.get(unitId);
    return at !== undefined && at < 0;
  }

  /** The units not packed as done, in first-seen order: objects, and the units packed as planned read back. */
  *notDone(): IterableIterator<MutableUnitState> {
    for (let entry = 0; entry < this.index.size; entry++) {
      const at = this.index.valueAt(entry);
      if (at === LIVE) yield this.objects.get(this.index.keyAt(entry))!;
      else if (at < 0) yield unpackUnit(this.lineOf(at));
    }
  }

  /** The units kept as objects, in no particular order (see {@link PackedUnits.live}). */
  objectStates(): IterableIterator<MutableUnitState> {
    return this.objects.values();
  }

  /**
   * The units kept as objects (neither done nor only planned: what can be in flight, failed or uncertain), in
   * first-seen order.
   */
  *live(): IterableIterator<MutableUnitState> {
    for (let entry = 0; entry < this.index.size; entry++) {
      if (this.index.valueAt(entry) === LIVE) yield this.objects.get(this.index.keyAt(entry))!;
    }
  }

  /** How many units are packed as done, and as planned. */
  packedCounts(): { done: number; planned: number } {
    return { ...this.packed };
  }

  ids(): string[] {
    const ids: string[] = [];
    for (let entry = 0; entry < this.index.size; entry++) ids.push(this.index.keyAt(entry));
    return ids;
  }

  /** Releases the packed lines' spill file (see {@link PackedLines.close}). */
  close(): void {
    this.lines.close();
  }

  /** Every unit's state in first-seen order (packed ones read back), or those not done. */
  states(filter: { done?: false } = {}): MutableUnitState[] {
    if (filter.done === false) return [...this.notDone()].filter((unit) => unit.status !== 'done');
    const result: MutableUnitState[] = [];
    for (let entry = 0; entry < this.index.size; entry++) result.push(this.stateAt(entry));
    return result;
  }

  /**
   * The snapshot line of every unit with its newline, in first-seen order (so a reopened journal lists its units in the
   * same order), one at a time: written as they come, a compaction holds a chunk of them, not all of them.
   */
  *snapshotLines(): IterableIterator<string> {
    for (let entry = 0; entry < this.index.size; entry++) {
      const at = this.index.valueAt(entry);
      yield `${at === LIVE ? snapshotLineOf(this.objects.get(this.index.keyAt(entry))!) : this.lineOf(at)}\n`;
    }
  }

  /** The state of index entry `entry`. */
  private stateAt(entry: number): MutableUnitState {
    const at = this.index.valueAt(entry);
    return at === LIVE ? this.objects.get(this.index.keyAt(entry))! : unpackUnit(this.lineOf(at));
  }

  /** Keeps the unit as packed line `at` (see {@link PackedUnits.index}) instead of its objects. */
  private pack(unitId: string, at: number): void {
    this.place(unitId, at);
    this.objects.delete(unitId);
  }

  /** Records where the unit's state is, and keeps the packed counts. */
  private place(unitId: string, at: number): void {
    this.count(this.index.set(unitId, at), at);
  }

  /** Keeps the packed counts when a unit's place changes from `earlier` to `at`. */
  private count(earlier: number | undefined, at: number): void {
    if (earlier !== undefined && earlier !== LIVE) this.packed[earlier >= 0 ? 'done' : 'planned']--;
    if (at !== LIVE) this.packed[at >= 0 ? 'done' : 'planned']++;
  }

  /** A packed unit's line. */
  private lineOf(at: number): string {
    return this.lines.line(at < 0 ? -at - 1 : at);
  }
}

class FileProgressJournal implements ProgressJournal {
  constructor(
    private readonly file: JsonLinesFile,
    private readonly byId: PackedUnits,
    private lastSeq: number,
    private readonly now: () => Date,
    private readonly autoCompact: boolean,
  ) {}

  /** The timestamp of the last event appended (see toEvent). */
  private lastAt = '';
  /** Set while a background compaction is queued or being written (see compactIfWorth). */
  private compacting = false;
  /** After a background compaction failed: the line count before which it is not tried again. */
  private retryAt = 0;

  /**
   * Starts a compaction in the background when the file holds many more lines than units (see
   * {@link JournalOptions.autoCompact}): after loading, and while events are appended, so what a crash leaves is a
   * snapshot per unit and the events since, not every event of the run. Appends go on meanwhile (queued behind it,
   * they are written after it). A failure before the new file is in place leaves the old one in use, whole, and is
   * tried again after as many lines again; a failure after it marks the journal broken (the next append reports it).
   */
  compactIfWorth(): void {
    const lines = this.file.lines;
    if (!this.autoCompact || this.compacting || lines < this.retryAt || !worthCompacting(lines, this.byId.size)) return;
    this.compacting = true;
    // Read while it is written, a unit's snapshot may already hold events appended after this call, which are also
    // written after it: replayed over the snapshot when loading, they give the same state (applyJournalEvent sets
    // what each event says, whatever was there).
    this.file
      .replaceInBackground(() => this.byId.snapshotLines())
      .then(
        (replaced) => {
          this.compacting = false;
          if (!replaced) this.retryAt = this.file.lines + Math.max(autoCompactMinLines, this.byId.size);
        },
        () => {
          this.compacting = false;
        },
      );
  }

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
      const written = this.file.append(`${JSON.stringify(event)}\n`, options).then(() => event);
      this.compactIfWorth();
      return written;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  appendMany(inputs: readonly JournalEventInput[], options?: AppendOptions): Promise<void> {
    const lines: string[] = [];
    let refusal: unknown;
    try {
      this.file.assertWritable();
      for (const input of inputs) {
        const event = this.toEvent(input);
        this.byId.apply(event);
        this.lastSeq = event.seq;
        lines.push(JSON.stringify(event));
      }
    } catch (error) {
      if (lines.length === 0) return Promise.reject(error);
      refusal = error;
    }
    const written =
      lines.length === 0 ? Promise.resolve() : this.file.append(`${lines.join('\n')}\n`, options, lines.length);
    this.compactIfWorth();
    return refusal === undefined ? written : written.then(() => Promise.reject(refusal));
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

  notStarted(unitId: string): boolean {
    return this.byId.notStarted(unitId);
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
    for (const unit of this.byId.objectStates()) counts[unit.status]++;
    return counts;
  }

  compact(): Promise<void> {
    // The snapshot is taken now, so it holds exactly the events appended before this call.
    return this.file.replace([...this.byId.snapshotLines()]);
  }

  flush(): Promise<void> {
    return this.file.barrier();
  }

  async close(): Promise<void> {
    try {
      // Compacted as its last write (see JsonLinesFile.close): a failure leaves the file as appended, whole, which the
      // next open compacts.
      const compact = this.autoCompact && worthCompacting(this.file.lines, this.byId.size);
      await this.file.close(compact ? { compactTo: () => this.byId.snapshotLines() } : {});
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
