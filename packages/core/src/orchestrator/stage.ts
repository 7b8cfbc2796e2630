import type { CaptionRecords } from '../captions/index.js';
import type { ConsentUse } from '../consent/index.js';
import type { ProviderJob, ProviderJobResult, WaitOptions } from '../interfaces/provider-job.js';
import type { BoundingBox } from '../interfaces/shared.js';
import type { Storage } from '../interfaces/storage.js';
import type { ResultStage, UnitStage } from '../naming/index.js';
import type { ModelPrice, RunConfig } from '../workspace/index.js';
import type { RecoveryPlace } from './kept-answers.js';
import type { PlannedUnit, StudioSettings, UnitFailure } from './studio-types.js';

/** An imported photo a stage reads: a unit whose photo is gone fails at that check, before anything is paid. */
export type StagePhoto = 'source' | 'target';

/** What a gate decided: the stage may pay (with a note for the journal), or the unit stops here, nothing paid. */
export type GateVerdict =
  | { ok: true; detail: string }
  | { ok: false; code: string; message: string; retryable: boolean };

/**
 * What one unit carries from stage to stage while it runs: the outputs stored so far (read back from storage when an
 * earlier run stored them) and what the gates found.
 */
export interface UnitWork {
  /** The output of an earlier stage of this unit (from this run, else read from storage). */
  output(stage: ResultStage): Promise<Uint8Array>;
  /** Face boxes the target check found, for the swap. */
  faces?: BoundingBox[];
}

/** What gates and stages are given: the studio's adapters, the model's settings and the unit. */
export interface StageContext {
  settings: StudioSettings;
  /** The model's config without its target records (a run never reads them; see {@link RunConfig}). */
  config: RunConfig;
  signal: AbortSignal;
  /** The identity embedding of source `n` (computed once per run). */
  sourceEmbedding: (source: number) => Promise<Float32Array>;
  /** The workspace's storage. */
  storage: Storage;
  /** The model's caption records, open when the run has a caption stage. */
  captions?: CaptionRecords | undefined;
  /** The id of the run's caption operation (see `CaptionRecords.begin`), when it has a caption stage. */
  captionOperation?: string | undefined;
  /** Where the run keeps what it could not record elsewhere (a paid answer the storage refused), when it runs units. */
  recovery?: RecoveryPlace | undefined;
}

/**
 * A free check that guards a paid stage (`target-check` before a swap, `verify` before an enhance). It runs only
 * while its stage has not been sent: its verdict is journaled on the stage (`passed`, or `failed` with nothing paid).
 */
export interface StageGate {
  /** Its name in events and failures. */
  name: UnitFailure['stage'];
  run(context: StageContext, unit: PlannedUnit, work: UnitWork): Promise<GateVerdict>;
}

/**
 * One paid stage of a unit, run by the orchestrator's one mechanism (see the core README, "How a stage runs"):
 * gates, consent for `use` from the config as stored now, budget reservation and `submitting` on disk, submit, job id
 * journaled before waiting, wait, output stored with the AI-generated mark, ledger `actual`, journal `completed`.
 * After a crash a journaled job id is reattached by polling it (never paid again); a submission whose answer was lost
 * is uncertain and left for the user to settle.
 */
export interface PaidStage {
  /** Its name in events and failures (`swap`, `enhance`). */
  name: UnitFailure['stage'];
  /** What it writes: the suffix of its stage id (and, for an image stage, of its output file name). */
  result: UnitStage;
  /** The op journaled and ledgered, and the key of its price in the model's price table. */
  op: string;
  /** The consent use checked (from the config as stored now) before it pays. */
  use: ConsentUse;
  /** Earlier stages of the unit whose output it reads. */
  needs: readonly ResultStage[];
  /** Imported photos it reads until it is sent. */
  reads: readonly StagePhoto[];
  /** Free checks run before it pays, in order. */
  gates: readonly StageGate[];
  /** Where its output goes. */
  outputKey(unit: PlannedUnit): string;
  /** Its price, from the model's price table (zero when the studio's adapter for it is free). */
  price(config: RunConfig, settings: StudioSettings): ModelPrice;
  /** Adapters it needs beyond its provider, checked before anything is journaled: name and what for. */
  adapters: readonly { name: 'faceChecker' | 'imageProcessor'; purpose: string }[];
  /**
   * A reason the stage needs no call for this unit (e.g. a caption a person wrote): the stage is recorded done with
   * nothing paid. Asked only while the stage has not been sent.
   */
  skip?(context: StageContext, unit: PlannedUnit): Promise<string | undefined>;
  /**
   * A submission left uncertain by a crash may have left its answer behind (a synchronous call stores its output
   * before its id is journaled): the job to reattach instead of paying again, or `undefined`.
   */
  recover?(context: StageContext, unit: PlannedUnit): Promise<ProviderJob | undefined>;
  /** Stores the finished job's output and returns what later stages read; the default marks and stores an image. */
  store?(context: StageContext, unit: PlannedUnit, result: ProviderJobResult): Promise<Uint8Array>;
  /** The provider that runs it (its name goes in the journal and ledger); a missing one is a `ValidationError`. */
  provider(settings: StudioSettings): { provider: string; priceNote?: string | undefined };
  /** Sends the paid request. Given no abort signal: once sent it may be charged, so it runs to its answer. */
  submit(context: StageContext, unit: PlannedUnit, work: UnitWork): Promise<ProviderJob>;
  /** Waits for a job, new or reattached by its journaled id. */
  wait(context: StageContext, job: ProviderJob, options: WaitOptions): Promise<ProviderJobResult>;
}
