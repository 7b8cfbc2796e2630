import { join } from 'node:path';
import { type CaptionEntry, CaptionRecords, captionEntryOf, readCaptionManifest } from '../captions/index.js';
import type { UnitState } from '../journal/index.js';
import { readJournalSnapshot } from '../journal/read-journal-snapshot.js';
import { type LedgerSnapshot, readLedgerSnapshot } from '../ledger/read-ledger-snapshot.js';
import { modelRecordFiles } from '../naming/index.js';
import type { Workspace } from '../workspace/index.js';
import { openRunRecorder, stageStateOf } from './open-run-recorder.js';
import type { RunRecorder, StageState } from './run-recorder.js';

/** A read-only view of a model's journal: stage states, whether or not this studio is running the model. */
export interface JournalView {
  state(stageId: string): StageState;
  /** The status of {@link JournalView.state} (cheaper for a done stage of an open journal). */
  status(stageId: string): StageState['status'];
  /** Every stage's journal state, in first-seen order. */
  stages(): UnitState[];
}

/**
 * The model records (journal and ledger) a Studio owns. Writers are opened once per model, under the model's run
 * lock, and kept until {@link RecordStore.close}; readers never open a file for writing, so they neither repair nor
 * lock a file another process may be appending to.
 */
export class RecordStore {
  readonly #recorders = new Map<string, Promise<RunRecorder>>();
  readonly #captions = new Map<string, Promise<CaptionRecords>>();

  constructor(
    private readonly workspace: Workspace,
    private readonly options: { budget?: { limit: number; unit?: string }; recoveryDir?: string } = {},
  ) {}

  /** The model's writer (opened on first use: takes the run lock and reconciles a crash). */
  recorder(model: string): Promise<RunRecorder> {
    const open = this.#recorders.get(model);
    if (open) return open;
    const dir = this.workspace.localModelDir(model);
    const recorder = openRunRecorder({ dir, model, ...this.options });
    // A failed open (busy model, unreadable file) is not kept: the next call tries again.
    recorder.catch(() => this.#recorders.delete(model));
    this.#recorders.set(model, recorder);
    return recorder;
  }

  /**
   * The model's caption writer (the `.txt` captions and the caption manifest), opened on first use under the model's
   * run lock (taken with its journal writer), so one process at a time changes captions.
   */
  captions(model: string): Promise<CaptionRecords> {
    const open = this.#captions.get(model);
    if (open) return open;
    const records = this.recorder(model).then(() => CaptionRecords.open(this.workspace.storage, model));
    records.catch(() => this.#captions.delete(model));
    this.#captions.set(model, records);
    return records;
  }

  /** The model's captions: this studio's writer's when open, else read from the manifest (no lock). */
  async captionEntries(model: string): Promise<CaptionEntry[]> {
    const open = this.#captions.get(model);
    if (open) return (await open).entries();
    const manifest = await readCaptionManifest(this.workspace.storage, model);
    return Object.values(manifest.images)
      .map(captionEntryOf)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The model's journal: this studio's writer when it has one open, else read from the file (no lock, no repair). */
  async journal(model: string): Promise<JournalView> {
    const open = this.#recorders.get(model);
    if (open) {
      const recorder = await open;
      return {
        state: (stageId) => recorder.state(stageId),
        status: (stageId) => recorder.status(stageId),
        stages: () => recorder.units(),
      };
    }
    const stages = await readJournalSnapshot(this.path(model, 'journal'));
    return {
      state: (stageId) => stageStateOf(stages.get(stageId)),
      status: (stageId) => stageStateOf(stages.get(stageId)).status,
      stages: () => [...stages.values()],
    };
  }

  /** The model's ledger, read from the file after this studio's pending records are written (no lock, no repair). */
  async ledger(model: string): Promise<LedgerSnapshot & { path: string }> {
    const open = this.#recorders.get(model);
    if (open) await (await open).flush();
    const path = this.path(model, 'ledger');
    return { ...(await readLedgerSnapshot(path)), path };
  }

  /** Closes the model's writer (releasing its run lock), when open. */
  async closeModel(model: string): Promise<void> {
    const captions = this.#captions.get(model);
    this.#captions.delete(model);
    await (await captions?.catch(() => undefined))?.flush();
    const open = this.#recorders.get(model);
    if (!open) return;
    this.#recorders.delete(model);
    await (await open).close();
  }

  /** Closes every writer. */
  async close(): Promise<void> {
    const captions = [...this.#captions.values()];
    this.#captions.clear();
    await Promise.all(captions.map(async (records) => (await records.catch(() => undefined))?.flush()));
    const open = [...this.#recorders.values()];
    this.#recorders.clear();
    await Promise.all(open.map(async (recorder) => (await recorder.catch(() => undefined))?.close()));
  }

  private path(model: string, file: keyof typeof modelRecordFiles): string {
    return join(this.workspace.localModelDir(model), modelRecordFiles[file]);
  }
}
