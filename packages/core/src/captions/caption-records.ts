import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { storageKeys } from '../naming/index.js';
import { writeJson } from '../workspace/storage-json.js';
import {
  type CaptionEntry,
  type CaptionImageRecord,
  type CaptionManifest,
  type CaptionOperation,
  type CaptionSource,
  type CaptionState,
  captionEntryOf,
  readCaptionManifest,
  type StoredImageScore,
} from './caption-manifest.js';

/** One caption to write. */
export interface CaptionWrite {
  /** The result's file name. */
  name: string;
  imageKey: string;
  captionKey: string;
  rating: string;
  text: string;
  source: CaptionSource;
  state: CaptionState;
}

/** What an undo did. */
export interface CaptionUndoResult {
  /** The operation undone. */
  undone: CaptionOperation;
  /** Images whose caption went back to the version before the operation. */
  restored: string[];
  /** Images changed again after the operation: left as they are. */
  skipped: string[];
}

const undoable = new Set<CaptionOperation['kind']>(['set', 'prefix', 'suffix', 'replace', 'review', 'undo']);

/**
 * The writer of a model's captions: the `.txt` beside each enhanced image and the caption manifest. Held by one
 * studio under the model's run lock (see `RecordStore.captions`). Manifest writes are coalesced: concurrent changes
 * share one atomic write, and each change returns once a write that includes it is stored.
 */
export class CaptionRecords {
  private writing: Promise<void> = Promise.resolve();
  /** Operations begun but not written to yet: an operation enters the manifest with its first change. */
  private readonly begun = new Map<string, CaptionOperation>();
  private dirty = false;

  private constructor(
    private readonly storage: Storage,
    private readonly model: string,
    private readonly manifest: CaptionManifest,
  ) {}

  /** Opens the model's records (an empty manifest when it has none). */
  static async open(storage: Storage, model: string, signal?: AbortSignal): Promise<CaptionRecords> {
    return new CaptionRecords(storage, model, await readCaptionManifest(storage, model, signal ? { signal } : {}));
  }

  /** Every caption, by image name. */
  entries(): CaptionEntry[] {
    return Object.values(this.manifest.images)
      .map(captionEntryOf)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The caption of one image, when it has one. */
  get(name: string): CaptionEntry | undefined {
    const record = this.manifest.images[name];
    return record && captionEntryOf(record);
  }

  /** Every operation, oldest first. */
  operations(): CaptionOperation[] {
    return this.manifest.operations.map((operation) => ({ ...operation, names: [...operation.names] }));
  }

  /** Starts an operation; changes made under its id can be undone together. */
  begin(kind: CaptionOperation['kind'], description: string): string {
    const id = `${kind}-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
    this.begun.set(id, { id, kind, at: new Date().toISOString(), description, names: [] });
    return id;
  }

  /** Writes a caption's `.txt` and records the new version under operation `op`. */
  async write(change: CaptionWrite, op: string, options: { signal?: AbortSignal } = {}): Promise<CaptionEntry> {
    const operation = this.operation(op);
    await this.storage.put(change.captionKey, new TextEncoder().encode(change.text), {
      contentType: 'text/plain; charset=utf-8',
      ...(options.signal && { signal: options.signal }),
    });
    const version = { text: change.text, source: change.source, state: change.state, at: new Date().toISOString(), op };
    const record: CaptionImageRecord = this.manifest.images[change.name] ?? {
      name: change.name,
      imageKey: change.imageKey,
      captionKey: change.captionKey,
      rating: change.rating,
      versions: [],
    };
    record.versions.push(version);
    this.manifest.images[change.name] = record;
    if (!operation.names.includes(change.name)) operation.names.push(change.name);
    await this.save();
    return captionEntryOf(record);
  }

  /** Stores an image's training score. */
  async setScore(name: string, score: Omit<StoredImageScore, 'at'>): Promise<void> {
    const record = this.manifest.images[name];
    if (!record) throw new NotFoundError(`No caption record for ${name}: caption it first.`, { kind: 'caption', name });
    record.score = { ...score, at: new Date().toISOString() };
    await this.save();
  }

  /**
   * Undoes an operation (the last undoable one when `id` is not given): every image it changed and that nothing
   * changed since goes back to its version before the operation; the undo is an operation of its own.
   */
  async undo(id?: string): Promise<CaptionUndoResult> {
    const target = id
      ? this.manifest.operations.find((operation) => operation.id === id)
      : this.manifest.operations.findLast((operation) => undoable.has(operation.kind) && operation.names.length > 0);
    if (!target) {
      throw id
        ? new NotFoundError(`No caption operation "${id}": list them with the captions' operations.`, {
            kind: 'caption operation',
            name: id,
          })
        : new ValidationError('There is no caption edit to undo.', { field: 'operation' });
    }
    if (!undoable.has(target.kind)) {
      throw new ValidationError(
        `Operation ${target.id} (${target.kind}) cannot be undone: only edits (set, prefix, suffix, replace, review, undo) can.`,
        { field: 'operation', value: target.id },
      );
    }
    const undoId = this.begin('undo', `undo ${target.id} (${target.description})`);
    const undo = this.operation(undoId);
    undo.undoes = target.id;
    const restored: string[] = [];
    const skipped: string[] = [];
    for (const name of target.names) {
      const record = this.manifest.images[name];
      const current = record?.versions[record.versions.length - 1];
      const before = record?.versions[record.versions.length - 2];
      if (!record || current?.op !== target.id || !before) {
        skipped.push(name);
        continue;
      }
      await this.write({ ...record, text: before.text, source: before.source, state: before.state }, undoId);
      restored.push(name);
    }
    await this.save();
    return { undone: target, restored, skipped };
  }

  /** Waits until every change so far is stored. */
  async flush(): Promise<void> {
    await this.save();
  }

  private operation(id: string): CaptionOperation {
    const begun = this.begun.get(id);
    if (begun) {
      this.begun.delete(id);
      this.manifest.operations.push(begun);
      return begun;
    }
    const operation = this.manifest.operations.find((candidate) => candidate.id === id);
    if (!operation) throw new ValidationError(`Unknown caption operation "${id}".`, { field: 'op', value: id });
    return operation;
  }

  /** One atomic write covering every change made before it starts; concurrent callers share the next write. */
  private save(): Promise<void> {
    this.dirty = true;
    const next = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await writeJson(this.storage, storageKeys.captionManifest(this.model), this.manifest).catch((error) => {
        this.dirty = true;
        throw error;
      });
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
