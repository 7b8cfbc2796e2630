import type { Enhancer } from '../interfaces/enhancer.js';
import type { FaceChecker } from '../interfaces/face-checker.js';
import type { FaceDetector } from '../interfaces/face-detector.js';
import type { FaceSwapper } from '../interfaces/face-swapper.js';
import type { ImageProcessor } from '../interfaces/image-processor.js';
import type { Storage } from '../interfaces/storage.js';
import type { LedgerDimension, LedgerSummary } from '../ledger/index.js';

import type { ResultStage } from '../naming/index.js';

/**
 * One unit of work: swap source `source` onto target `target` for `rating`, then verify and enhance. A unit passes
 * through stages; each stage has its own id (`stageId()`: the unit id with `:swapped` / `:enhanced` appended).
 */
export interface PlannedUnit {
  /** Stable unit id, `<model>:s<n>:t<ttt>:<rating>` (see `unitId()`). */
  id: string;
  model: string;
  source: number;
  target: number;
  rating: string;
  sourceKey: string;
  targetKey: string;
  swappedKey: string;
  enhancedKey: string;
}

/** What {@link Studio.plan} returns: every unit for the chosen sources, targets and ratings, in name order. */
export interface Plan {
  model: string;
  ratings: string[];
  units: PlannedUnit[];
  /**
   * The stages its units pass through (`swap`, `enhance`, `caption`), in pipeline order. @default swap and enhance,
   * then caption when the model's `captions.inRun` is set
   */
  stages?: ('swap' | 'enhance' | 'caption')[];
}

/** Options for {@link Studio.plan}. */
export interface PlanOptions {
  /**
   * Ratings to process; each must be covered by the model's consent record. @default every rating that has targets
   * and that the consent record covers (a `ValidationError` when there is none)
   */
  ratings?: string[];
  /**
   * Source numbers to use; each must be an imported source of the model (else {@link Studio.plan} throws a
   * `ValidationError` naming the missing and the available numbers). @default every imported source
   */
  sources?: number[];
  /**
   * Target numbers to use per rating; each must be an imported target of every planned rating (else
   * {@link Studio.plan} throws a `ValidationError`). @default every imported target of the rating
   */
  targets?: number[];
}

/** Estimated cost of a plan, from the model's price table. */
export interface CostEstimate {
  /** Per operation: how many paid calls and what they cost. */
  perOp: Record<string, { count: number; amount: number; unit: string }>;
  /** Sum over operations, per unit of account (e.g. `{ credits: 1200 }`). */
  total: Record<string, number>;
  /** Units already done that the run will skip. */
  alreadyDone: number;
  /** Where the prices come from: the provider's `priceNote` (e.g. that its API reports no charges), else core's. */
  note: string;
}

/** A budget for a run: it stops before reserved plus actual spend would exceed `limit`. */
export interface RunBudget {
  limit: number;
  /** @default 'credits' */
  unit?: string;
}

/** Options for {@link Studio.run} and {@link Studio.resume}. */
export interface RunOptions {
  /** Stops the run cleanly: nothing new is submitted; in-flight jobs are left reattachable. */
  signal?: AbortSignal;
  /** Receives every {@link StudioEvent}. */
  onEvent?: (event: StudioEvent) => void;
  /** Overrides the studio's budget for this run. */
  budget?: RunBudget;
  /** Attempts per unit while it fails for a retryable reason (after the client's own retries). @default 3 */
  maxUnitAttempts?: number;
  /** Units in flight at once for this run. @default the studio's, else the model's `concurrency` setting */
  concurrency?: number;
  /**
   * Resubmit units whose earlier submission is uncertain (the response was lost, so it may have been charged).
   * Counted as possible double payment. @default false
   */
  resubmitUncertain?: boolean;
}

/** Why a unit failed, for the summary. */
export interface UnitFailure {
  /** The unit (`<model>:s<n>:t<ttt>:<rating>`). */
  unitId: string;
  /** The stage the failure is journaled on (`<unit>:swapped` / `<unit>:enhanced`), when it got that far. */
  stageId?: string;
  /**
   * The stage that failed. `source-check` and `target-check` with code `missing-source` / `missing-target`: the unit's
   * source or target file no longer exists (deleted after the unit was planned); nothing was paid for it.
   */
  stage:
    | 'consent'
    | 'source-check'
    | 'target-check'
    | 'swap'
    | 'verify'
    | 'enhance'
    | 'caption'
    | 'store'
    | 'dataset'
    | 'train';
  code: string;
  message: string;
  retryable: boolean;
}

/**
 * A result that was stored in the workspace but could not be copied to one of the result stores
 * ({@link StudioSettings.resultStores}). The unit itself succeeded; the next run or resume of the model copies what is
 * missing (copies are tried once per run, with whatever retries the store's client makes).
 */
export interface CopyFailure {
  /** The unit whose result was not copied. */
  unitId: string;
  /** The result store's `provider` name (e.g. `s3`). */
  store: string;
  /** The storage key that was not copied. */
  key: string;
  /** The error's stable code (`storage`, `validation`, ...), or `error` for anything else. */
  code: string;
  /** What went wrong, from the store's error (names the store call and what to check). */
  message: string;
}

/** Money a run moved, per unit of account (e.g. `{ credits: 24 }`). */
export interface RunMoney {
  /** Charges recorded as actual: jobs that finished (or failed at the provider after it accepted them). */
  charged: Record<string, number>;
  /**
   * Jobs the provider accepted (and so charged) whose results this run did not fetch (it was stopped): `resume`
   * fetches them without paying again. Priced from the price table.
   */
  inFlight: Record<string, number>;
  /** Submissions whose answer was lost: they may or may not have been charged (settle them, see the README). */
  uncertain: Record<string, number>;
}

/** What a run did. */
export interface RunSummary {
  model: string;
  /**
   * `completed` when every unit of the plan is done; `incomplete` when the run went through the plan but some units
   * failed or are uncertain; otherwise why it stopped early (`storage-failed`: a storage that will keep failing, such
   * as a full or read-only disk, stopped new submissions).
   */
  outcome:
    | 'completed'
    | 'incomplete'
    | 'aborted'
    | 'budget-exceeded'
    | 'insufficient-credits'
    | 'consent-revoked'
    | 'storage-failed'
    | 'failed';
  total: number;
  succeeded: number;
  /** Units done in an earlier run and skipped. */
  skipped: number;
  failed: UnitFailure[];
  /** Units whose submission is uncertain and was not resubmitted. */
  uncertain: string[];
  /** Units reattached to a job recorded before a restart. */
  reattached: number;
  /**
   * What this run may have spent, per unit of account: charged + in flight + uncertain (see {@link RunSummary.money}).
   * Never 0 when the provider accepted a job.
   */
  spent: Record<string, number>;
  /** This run's money by state: charged, in flight (accepted, result not fetched yet), uncertain. */
  money: RunMoney;
  /**
   * Units of the plan this run did not start because the budget would not cover them: the run takes only whole units
   * that fit, in plan order, so no unit is left half paid. Empty without a budget.
   */
  overBudget: string[];
  /**
   * Storage keys of the results of the units that succeeded in this run (the last stage's: the enhanced results), in
   * order. Built when first read (then kept): a run of 100,000 units does not make 100,000 keys at its end unless they
   * are asked for (about 10 MB once made). It reads, spreads and serializes as a plain array property.
   */
  outputs: string[];
  /** Copies made to result stores (mirrors). */
  mirrored: number;
  /**
   * Copies to result stores that failed in this run. They do not fail their units (the results are stored in the
   * workspace); running or resuming the model again copies what is missing. Empty without result stores.
   */
  copyFailures: CopyFailure[];
  durationMs: number;
  /** Where prices come from (see {@link CostEstimate.note}). */
  costNote: string;
}

/** Events a run emits, named noun-verb, with what a progress bar and a summary need. */
export type StudioEvent =
  | { type: 'run-start'; model: string; total: number; alreadyDone: number; estimate: CostEstimate }
  | { type: 'unit-start'; unitId: string; fileName: string; index: number; total: number }
  | { type: 'stage-start'; unitId: string; stage: UnitFailure['stage']; stageId?: string }
  | {
      type: 'stage-end';
      unitId: string;
      stage: UnitFailure['stage'];
      /** The journaled stage the step belongs to (absent for the unit's consent check). */
      stageId?: string;
      ok: boolean;
      jobId?: string;
      reattached?: boolean;
      detail?: string;
    }
  | {
      type: 'cost-recorded';
      unitId: string;
      stageId: string;
      op: string;
      amount: number;
      unit: string;
      kind: 'reserved' | 'actual' | 'uncertain' | 'released';
    }
  | {
      type: 'unit-end';
      unitId: string;
      ok: boolean;
      outputKey?: string;
      failure?: UnitFailure;
      done: number;
      total: number;
    }
  | { type: 'result-mirrored'; unitId: string; key: string; store: string }
  /**
   * The provider accepted a paid job (it is charged) but the journal could not record its id: the id is in
   * `recoveryFile` (read by the next open of the model's records, so `resume` polls it), or nowhere when that file
   * could not be written either. Show the job id to the user.
   */
  | {
      type: 'job-unrecorded';
      model: string;
      stageId: string;
      op: string;
      jobId: string;
      provider: string;
      recoveryFile: string | undefined;
    }
  /** A copy to a result store failed; the unit still succeeded (see {@link CopyFailure}). */
  | ({ type: 'result-mirror-failed' } & CopyFailure)
  | { type: 'run-end'; summary: RunSummary };

/** A logger; `console` works. */
export interface StudioLogger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info?(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** An image to import: its original file name (for reports) and bytes. */
export interface ImportInput {
  name: string;
  bytes: Uint8Array;
}

/**
 * Why an imported file was refused (the codes are stable; the message says it in words):
 * - `not-an-image`: the content is not an image at all (text, HTML, a document, random bytes).
 * - `unsupported-format`: an image format that is not accepted (SVG, a still GIF, TIFF, HEIC/AVIF, BMP): use JPEG,
 *   PNG or WebP.
 * - `animated`: an animated GIF, WebP or PNG (or a multi-page file): use a single still photo.
 * - `unreadable`: the file is empty, damaged or cut off.
 * - `too-many-pixels`: more pixels than the image processor decodes at all (a decompression-bomb guard).
 * - `too-large`: the photo cannot be made small enough for the model's byte limit.
 * - `too-small`: its short side is below the model's `minShortSide`.
 * - `duplicate`: the same photo (the same bytes, before or after normalising) as one the model already has, or as an
 *   earlier file of the same import; `duplicateOf` names it.
 * - `near-duplicate`: nearly the same photo (a perceptual hash, e.g. a resized or re-compressed copy) as one the model
 *   has; `duplicateOf` names it. Imported anyway, with a warning, with {@link ImportOptions.allowNearDuplicates}.
 * - `no-face` / `multiple-faces`: the face count does not fit (a source shows exactly one face; a target at least
 *   `minTargetFaces`).
 * - `different-person`: a source photo shows someone other than the model's subject (its existing sources; the first
 *   source accepted stands for the subject). A consent refusal (`category: 'consent'`): one consent record covers one
 *   person, and no option overrides it.
 */
export type ImportRefusalCode =
  | 'not-an-image'
  | 'unsupported-format'
  | 'animated'
  | 'unreadable'
  | 'too-many-pixels'
  | 'too-large'
  | 'too-small'
  | 'duplicate'
  | 'near-duplicate'
  | 'no-face'
  | 'multiple-faces'
  | 'different-person';

/** Why a file was refused: a stable code, a sentence a person understands, and the kind of rule it broke. */
export interface ImportRefusal {
  code: ImportRefusalCode;
  /** What is wrong and what to do, in plain words (no library calls, at most a short cause from the decoder). */
  message: string;
  /**
   * The kind of rule: `file` (format, size, damage), `duplicate`, `face` (face count) or `consent` (another person:
   * the refusal a `ConsentError` would be, reported per file so the other files of the batch still import).
   */
  category: 'file' | 'duplicate' | 'face' | 'consent';
}

/** A warning about an accepted file. `near-duplicate`: imported with {@link ImportOptions.allowNearDuplicates}. */
export interface ImportWarning {
  code: 'near-duplicate';
  message: string;
}

/** What happened to one imported file. */
export interface ImportResult {
  /** The original file name. */
  name: string;
  accepted: boolean;
  /** The storage key it was stored under, when accepted. */
  key?: string;
  /** Its number (`<model>-source-<n>` / `<model>-t<ttt>`), when accepted. */
  number?: number;
  /** Faces found; set only for files that reached face detection. */
  faces?: number;
  /** Size after normalising (EXIF orientation applied, scaled to the model's limits). */
  width?: number;
  height?: number;
  /** Why it was refused. */
  reason?: ImportRefusal;
  /**
   * For `duplicate` and `near-duplicate`: the photo it repeats, by its stored name (`<model>-source-2.jpg`), or by its
   * original name when that file was refused earlier in the same import.
   */
  duplicateOf?: string;
  /** Warnings about an accepted file (e.g. a near-duplicate imported with `allowNearDuplicates`). */
  warnings?: ImportWarning[];
}

/** Provenance a user states for imported targets (DESIGN.md "Responsible use"). */
export interface TargetProvenance {
  /** Where the images came from (a folder, URL, collection name). */
  origin: string;
  /** The user's statement that they hold the rights to use them. */
  rightsStatement: string;
  /** For ratings other than `sfw`: the people shown are adults who consented. */
  adultsConsented?: boolean;
}

/** Options for {@link Studio.importTargets} and {@link Studio.importSources}. */
export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; name: string }) => void;
  /**
   * Import near-duplicates (a resized or re-compressed copy of a photo the model already has) with a warning instead of
   * refusing them. Exact duplicates are always refused. Needs an image processor with `perceptualHash`; without one,
   * only exact duplicates are found.
   * @default false
   */
  allowNearDuplicates?: boolean;
  /**
   * Perceptual hashes differing in at most this many bits count as near-duplicates.
   * @default 10
   */
  nearDuplicateDistance?: number;
}

/** The pipeline orchestrator: plans, estimates, runs and resumes Phase 1 (swap, verify, enhance). */
export interface Studio {
  /** Validates, normalises to JPEG, checks (exactly one face) and stores source photos as `<model>-source-<n>.jpg`. */
  importSources(model: string, inputs: ImportInput[], options?: ImportOptions): Promise<ImportResult[]>;
  /** Validates, normalises, face-checks and stores target photos as `targets/<rating>/<model>-t<ttt>.jpg`. */
  importTargets(
    model: string,
    rating: string,
    inputs: ImportInput[],
    provenance: TargetProvenance,
    options?: ImportOptions,
  ): Promise<ImportResult[]>;
  /**
   * Units of work (source x target x rating), named by the naming rules. Checks consent for every rating, and that
   * every requested source and target exists (a `ValidationError` names the missing and the available numbers).
   * Nothing is journaled until the plan runs.
   */
  plan(model: string, options?: PlanOptions): Promise<Plan>;
  /** Credits per operation and in total, from the model's price table; done units are not counted. */
  estimate(plan: Plan): Promise<CostEstimate>;
  /** Runs a plan: bounded concurrency, journal and ledger for every step, clean stop on abort/budget/credits. */
  run(plan: Plan, options?: RunOptions): Promise<RunSummary>;
  /**
   * Runs what is left of every unit the model's journal shows as started: skips done stages, reattaches jobs whose id
   * was recorded, and leaves uncertain submissions alone unless `resubmitUncertain` is set. A unit whose source or
   * target file no longer exists fails with a `missing-source` / `missing-target` reason; the others still run.
   */
  resume(model: string, options?: RunOptions): Promise<RunSummary>;
  /**
   * Journal-derived status of a model: unit-level and stage-level counts, and the stage ids by state. Read-only: it
   * never writes or locks the journal, so it works while another process runs the model.
   */
  status(model: string): Promise<ModelStatus>;
  /**
   * The model's cost ledger summed per operation and rating (or `by`), with the note on where amounts come from.
   * Read-only: it never repairs, appends to or locks the ledger, so it works while another process runs the model.
   */
  costs(model: string, options?: { by?: LedgerDimension[] }): Promise<ModelCosts>;
  /**
   * Records the job id of an uncertain submission (its answer was lost, so it may have been charged) that you found in
   * the provider's account: the next `resume` polls that job instead of paying again, and its charge settles the
   * uncertain entry. Takes the model's run lock until `close()`.
   */
  attachJob(model: string, stageId: string, jobId: string): Promise<void>;
  /**
   * Settles an uncertain submission from the provider's bill: `{ charged: true }` records the charge (no result: the
   * next run pays again for the stage), `{ charged: false }` releases it (the next run submits it as new). Takes the
   * model's run lock until `close()`.
   */
  settleUncertain(model: string, stageId: string, settlement: { charged: boolean; note?: string }): Promise<void>;
  /** Stops any run of the model, records the revocation and optionally deletes the model's data everywhere. */
  revokeConsent(model: string, options: import('../workspace/index.js').RevokeConsentOptions): Promise<void>;
  /**
   * Writes a training caption (`<result>.txt` beside it, recorded in the caption manifest) for every enhanced result
   * that has none, with the studio's `captioner`; journaled and resumable like `run` (a paid caption is never paid
   * twice after a crash), cost in the ledger, budget stops, events. Captions a person wrote are never rewritten.
   * Needs a consent record that allows `train` for each rating.
   */
  caption(model: string, options?: import('./verbs/caption-results.js').CaptionOptions): Promise<RunSummary>;
  /** The model's captions as stored now: text, source, review state, earlier versions and training score. */
  captions(model: string): Promise<import('../captions/index.js').CaptionEntry[]>;
  /**
   * Runs `edit` with the model's caption writer under its run lock (one process at a time changes captions); every
   * change is stored when it returns. The review operations of `@model-studio/captioning` are built on it.
   */
  editCaptions<T>(
    model: string,
    edit: (records: import('../captions/index.js').CaptionRecords) => Promise<T>,
  ): Promise<T>;
  /**
   * Imports models made by the Python prototype (its `models/` folder, one model's folder, or its S3 bucket through a
   * storage): sources, targets (deduplicated), results and captions renamed by the naming rules, and each completed
   * stage of its `progress.json` journaled as done (marked imported, with the prototype's job id) and ledgered as an
   * imported estimate, so no run pays for it again. Ambiguities are reported in each result's `plan.issues`. With
   * `dryRun`, nothing is written. Importing again changes nothing.
   */
  importPrototype(
    files: import('../prototype/prototype-files.js').PrototypeFiles,
    options?: import('../prototype/prototype-import-types.js').PrototypeImportOptions,
  ): Promise<import('../prototype/prototype-import-types.js').PrototypeImportResult[]>;
  /**
   * Signed GET links to the model's results (enhanced by default; swapped results and source photos on request), valid
   * for `expiresIn` seconds (7 days by default), one per file in name order. Each is signed by a storage holding the
   * file: one with internet-reachable URLs first (S3 presigned), then a result store or mirror, then the workspace's
   * storage (LocalStorage: loopback URLs); each link says who can open it (`reachableFrom`). Only files the naming
   * rules name for this model are signed. Throws `ConsentError` unless the consent record covers `publish` of every
   * shared rating, `NotFoundError` for an unknown model, and `ValidationError` for bad options, a lifetime the storage
   * refuses (S3: over 7 days) or a storage that cannot sign.
   */
  share(model: string, options?: ShareOptions): Promise<SharedLink[]>;
  /**
   * Short-lived signed GET links (15 minutes by default) for the model's owner to download its results (and source
   * photos on request): signed like {@link Studio.share}'s, without its `publish` consent check, since nothing is
   * published. A front-end serving several users must check that the caller owns the model. Throws `NotFoundError`
   * for an unknown model and `ValidationError` for bad options or a storage that cannot sign.
   */
  downloadLinks(
    model: string,
    options?: import('./verbs/download-links.js').DownloadLinksOptions,
  ): Promise<SharedLink[]>;
  /**
   * Trains a LoRA on a built dataset with the studio's `trainer`, exactly once across crashes: the estimate is
   * reserved before the job starts, its id journaled before waiting, the actual cost settled after; called again after
   * a crash it reattaches the journaled job. Consent must allow `train`.
   */
  train(
    model: string,
    options: import('./verbs/train-types.js').TrainOptions,
  ): Promise<import('./verbs/train-types.js').TrainSummary>;
  /**
   * Builds dataset version `options.version` from the model's enhanced results, captions and scores with the studio's
   * `datasetBuilder` (journaled as `<model>:dataset:<version>`). Consent must allow `train`.
   */
  buildDataset(
    model: string,
    options: import('./verbs/build-dataset.js').BuildModelDatasetOptions,
  ): Promise<import('../interfaces/dataset-builder.js').DatasetBuildSummary>;
  /** Closes journals and ledgers. */
  close(): Promise<void>;
}

/** What {@link Studio.share} can share: a result stage, or the model's `source` photos. */
export type ShareStage = ResultStage | 'source';

/** Options for {@link Studio.share}. */
export interface ShareOptions {
  /** Ratings of the results to share (ignored for source photos). @default every rating the model has results in */
  ratings?: string[];
  /** What to share. @default ['enhanced'] */
  stages?: ShareStage[];
  /**
   * How long the links stay valid, in seconds: a positive whole number the storage accepts (S3 and LocalStorage: at
   * most 604800, 7 days; longer throws a `ValidationError` saying so).
   * @default 604800 (7 days)
   */
  expiresIn?: number;
  signal?: AbortSignal;
}

/** One link of {@link Studio.share}. */
export interface SharedLink {
  /** The file name, e.g. `andie-s1-t003-sfw-enhanced.jpg`. */
  name: string;
  /** Its storage key. */
  key: string;
  /** The signed GET URL. Anyone holding it can download the file until it expires: share it like a password. */
  url: string;
  /** When the link stops working (it may work up to a second longer). */
  expiresAt: Date;
  stage: ShareStage;
  /** The result's rating; absent for source photos. */
  rating?: string;
  /** The `provider` of the storage that signed it, e.g. `s3` or `local`. */
  storage: string;
  /**
   * Who can open it: `internet` for a storage with public URLs (AWS S3, R2); `private-network` for an S3-compatible
   * server on a private address (a LAN MinIO); `this-machine` for loopback URLs, which work only on the machine that
   * made them (LocalStorage's signed-URL server: only while the process that signed them runs).
   */
  reachableFrom: 'internet' | 'private-network' | 'this-machine';
}

/** Counts of a model's units or stages by state. */
export interface StateCounts {
  total: number;
  /** Units: every stage done. Stages: done. */
  done: number;
  pending: number;
  /** Submitted jobs with a journaled id: a resume reattaches them, never pays again. */
  inFlight: number;
  /** Submissions that may have been charged without a recorded job id. */
  uncertain: number;
  failed: number;
}

/**
 * Status of a model's work, from its journal. A unit counts by its furthest state: failed when a stage failed, else
 * uncertain, else in flight, else pending, and done when every stage is done.
 */
export interface ModelStatus {
  model: string;
  /** Units (`<model>:s<n>:t<ttt>:<rating>`) by state. */
  units: StateCounts;
  /** Stages (a swap and an enhance per unit) by state. */
  stages: StateCounts;
  /** Stage ids done. */
  done: string[];
  /** Stage ids not started (or failed for a reason that may pass and not yet retried). */
  pending: string[];
  /** Stages whose job is submitted: the stage id, its unit, the job id and the op. */
  inFlight: { stageId: string; unitId: string; jobId: string; op: string }[];
  /** Stage ids whose submission is uncertain. */
  uncertain: string[];
  /** Failed stages: `unitId` is the unit, `stageId` the stage, `stage` the step that failed. */
  failed: UnitFailure[];
}

/** A model's cost ledger, summed (see {@link Studio.costs}). */
export interface ModelCosts {
  model: string;
  /** The ledger file (in the workspace's local folder). */
  file: string;
  /** Rows per group, totals, and `note` when amounts come from the price table. */
  summary: LedgerSummary;
  /** Lines that could not be read (a line being written by a running process, or a corrupt one); never repaired. */
  skippedLines: number;
}

/** Settings for {@link createStudio}. */
export interface StudioSettings {
  /** The workspace (see `openWorkspace`). */
  workspace: import('../workspace/index.js').Workspace;
  /**
   * A face detector, when the provider has one of its own (e.g. MaxStudio's). Only checked for URL reachability:
   * target faces are found with `faceChecker`, which also verifies identities.
   */
  faceDetector?: FaceDetector;
  /**
   * Swaps the source's face onto targets (e.g. `createMaxStudioProvider(...).swapper`). Needed by `run` and `resume`;
   * the verbs that pay nothing (plan, estimate, status, costs) work without it.
   */
  swapper?: FaceSwapper;
  /** Enhances verified swaps 2x (e.g. `createMaxStudioProvider(...).enhancer`). Needed by `run` and `resume`. */
  enhancer?: Enhancer;
  /**
   * Counts faces in imports and targets, and verifies each swap shows the source person (e.g. `createQualityChecker()`).
   * Needed by imports, `run` and `resume`.
   */
  faceChecker?: FaceChecker;
  /**
   * Normalises imports to JPEG and writes the AI-generated XMP mark on results (e.g. `createImageProcessor()`).
   * Needed by imports, `run` and `resume`.
   */
  imageProcessor?: ImageProcessor;
  /**
   * Writes training captions (`studio.caption`, and `run` when the model's `captions.inRun` is set): e.g.
   * `createOfflineCaptioner()` or a Hugging Face VLM captioner from `@model-studio/captioning`.
   */
  captioner?: import('../interfaces/captioner.js').Captioner;
  /** Trains LoRAs (`studio.train`), e.g. `RunpodTrainer` or `LocalTrainer` from `@model-studio/lora-trainer`. */
  trainer?: import('../interfaces/trainer.js').Trainer;
  /** Builds dataset versions (`studio.buildDataset`), e.g. `createDatasetBuilder()` from `@model-studio/lora-trainer`. */
  datasetBuilder?: import('../interfaces/dataset-builder.js').DatasetBuilder;
  /** Scores enhanced results for training (`studio.caption` stores the score beside the caption when given). */
  imageScorer?: import('../interfaces/image-scorer.js').ImageScorer;
  /**
   * More storages results are copied to as they finish (e.g. S3). A failed copy does not fail its unit: it is reported
   * in {@link RunSummary.copyFailures} and a `result-mirror-failed` event, and the next run copies what is missing.
   */
  resultStores?: Storage[];
  /** Units in flight at once. @default the model's `concurrency` setting */
  concurrency?: number;
  /** Default budget for runs. */
  budget?: RunBudget;
  /**
   * Where a job id goes when the journal cannot record it (a full or read-only disk): a file per model folder, read
   * by the next open of the model's records. @default `<os temp dir>/model-studio-recovery`
   */
  recoveryDir?: string;
  logger?: StudioLogger;
}
