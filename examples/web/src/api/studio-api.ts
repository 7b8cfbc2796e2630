/**
 * What the dashboard asks of the server: one method per public route it uses. `createStudioApi` implements it over
 * the server's generated typed client (`@model-studio/server/client`); pages see only these view types.
 */

/** `GET /v1/me`. */
export interface Me {
  user: { id: string; name: string; admin: boolean };
  key: { id: string; prefix: string; scope: 'read' | 'write' | 'admin' };
}

/** Job states as the server names them. */
export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';

/** A job as the server answers it (`GET /v1/jobs/:id`; a model's overview gives its first four fields). */
export interface JobView {
  id: string;
  type: string;
  state: JobState | string;
  createdAt: string;
  endedAt?: string;
  error?: { name: string; message: string };
  result?: unknown;
}

/** A model's overview (`GET /v1/models/:model`): counts, consent, cost so far and last job. */
export interface ModelOverviewView {
  name: string;
  sources: number;
  /** Per rating. */
  targets: Record<string, number>;
  /** Enhanced results per rating. */
  results: Record<string, number>;
  consent: 'none' | 'revoked' | 'recorded';
  allowedRatings: string[];
  /** Actual charges so far, per unit of account (e.g. `{ credits: 24 }`). */
  costSoFar: Record<string, number>;
  lastJob?: JobView;
  sandbox: boolean;
}

/** An uploaded source or target (sources carry a short-lived signed URL for a thumbnail). */
export interface ImageView {
  name: string;
  number: number;
  rating?: string;
  url?: string;
  origin?: string;
}

/** One file of an upload: accepted with its new name, or rejected with the typed reason. */
export interface UploadOutcome {
  file: string;
  accepted: boolean;
  storedName?: string;
  code?: string;
  reason?: string;
  warnings: string[];
}

/** What a target upload states about the photos (the library records it with each target). */
export interface TargetProvenance {
  rating: string;
  origin: string;
  rightsStatement: string;
  /** For ratings other than `sfw`: everyone shown is an adult who consented. */
  adultsConsented?: boolean;
}

/** The cost calculator's answer (`POST /v1/models/:model/estimate`). */
export interface EstimateView {
  units: number;
  ratings: string[];
  /** Per paid operation: how many, the price of one and the amount. */
  stages: { stage: string; count: number; unitPrice: number; amount: number; unit: string }[];
  /** Per unit of account. */
  total: Record<string, number>;
  alreadyDone: number;
  note: string;
  sandbox: boolean;
}

/** A stored file with a signed download URL. */
export interface FileLink {
  name: string;
  url: string;
  stage: string;
  rating?: string;
  expiresAt: string;
}

/** An enhanced result and, when stored, the swapped image it was enhanced from (the "before"). */
export interface ResultView extends FileLink {
  before?: FileLink;
  /** The target photo the result was made from (a short-lived signed link), when it is still stored. */
  target?: { name: string; url: string; expiresAt: string };
}

/** A model as its dashboard card shows it (`GET /v1/models?include=summary`): the overview and a thumbnail link. */
export interface ModelCardView extends Omit<ModelOverviewView, 'sandbox'> {
  /** A short-lived signed URL of the model's first source photo; absent when it has none. */
  thumbnail?: string;
}

/** A page of model cards, in name order; `nextCursor` asks for the next one. */
export interface ModelCardsPage {
  models: ModelCardView[];
  nextCursor?: string;
  sandbox: boolean;
}

/** One of the user's API keys (`GET /v1/keys`): never the secret, only its first characters. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  scope: 'read' | 'write' | 'admin';
  name?: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** The face-swap provider's credits left (`GET /v1/credits`); `balance` only when the provider tells it. */
export interface CreditsView {
  known: boolean;
  balance?: number;
  unit: 'credits';
  /** `SANDBOX: ...` for a sandbox. */
  provider: string;
  sandbox: boolean;
  note: string;
}

/** A model's consent record as the form sends it. */
export interface ConsentInput {
  subject: string;
  adultAttested: boolean;
  attestedBy: string;
  allowedRatings: string[];
  allowedUses: ('swap' | 'train' | 'publish')[];
  obtainedAt: string;
  evidenceRef: string;
}

/** A consent record as stored. */
export interface ConsentView extends ConsentInput {
  revokedAt?: string;
  revokedReason?: string;
}

/** A job event from `GET /v1/jobs/:id/events` (`{ seq, at, type, data }`), or the final `{ type: 'end', job }`. */
export interface JobEvent {
  seq?: number;
  at?: string;
  type: string;
  data?: Record<string, unknown>;
  job?: JobView | null;
}

/** A result's caption with its check (`GET /v1/models/:model/captions`). */
export interface CaptionView {
  name: string;
  rating: string;
  text: string;
  state: 'generated' | 'reviewed' | 'edited';
  source: string;
  valid: boolean;
  /** `empty`, `trigger-missing`, `trigger-repeated`, `too-long`, `artifact`. */
  issues: string[];
}

/** What a caption edit changed, or would change (`dryRun`); `operation` names it for undo. */
export interface CaptionChangesView {
  operation?: string;
  dryRun: boolean;
  changes: { name: string; before: string; after: string; issues: string[] }[];
}

/** A bulk caption edit: a prefix, a suffix, or a regular-expression replace. */
export type CaptionEdit =
  | { action: 'prefix' | 'suffix'; text: string; dryRun: boolean }
  | { action: 'replace'; pattern: string; text: string; dryRun: boolean };

/** A built dataset version (`POST/GET /v1/models/:model/datasets`): the images it holds and those it left out. */
export interface DatasetView {
  version: string;
  selected: string[];
  rejected: { name: string; reason: string; detail?: string }[];
  /** True when the version existed already (nothing was rebuilt). */
  alreadyBuilt?: boolean;
}

/** The training engines the pre-flight knows. */
export type TrainingEngine = 'simpletuner' | 'ai-toolkit';

/** One pre-flight finding; an `error` blocks the start. */
export interface PreflightFinding {
  severity: 'error' | 'warning' | 'info' | string;
  message: string;
  /** The check's id, e.g. `lora-size`. */
  check?: string;
  /** What to do about it. */
  fix?: string;
}

/** `POST /v1/models/:model/trainings/preflight`. */
export interface PreflightView {
  ok: boolean;
  engine: string;
  findings: PreflightFinding[];
  /** E.g. `loraBytes`. */
  estimates: Record<string, number | string>;
}

/** A training-loss point. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** A trained LoRA version (`GET /v1/models/:model/loras`). */
export interface LoraView {
  version: string;
  family: string;
  engine?: string;
  createdAt: string;
  datasetVersion?: string;
  /** Made by a sandbox trainer: a SANDBOX file, not a trained model. */
  sandbox: boolean;
  /** The promoted (final) version. */
  final: boolean;
  artifact: { file: string; sha256: string; size: number; rank: number };
  metrics: { steps: number; finalLoss?: number; minLoss?: number };
}

/** One side of a comparison: the version's record, whether it is final, its config and loss curve. */
export interface LoraSideView {
  version: string;
  final: boolean;
  sandbox: boolean;
  loss: LossPoint[];
  steps: number;
}

/** Two versions side by side (`GET /v1/models/:model/loras/compare?a=&b=`). */
export interface LoraComparisonView {
  a: LoraSideView;
  b: LoraSideView;
  engines: { a: string; b: string };
  configDiff: { key: string; a: unknown; b: unknown }[];
  artifacts: { field: string; a: unknown; b: unknown }[];
  /** Identity of each version's samples against the source face, when the server measured it. */
  identity?: { a: IdentityView; b: IdentityView };
  /** Why the identity was not measured (the model has no source photo, or it shows no face). */
  identityNote?: string;
}

/** How close a version's validation samples are to the source face (lower distance is closer). */
export interface IdentityView {
  meanDistance?: number;
  /** Share of samples showing the same person (0-1). */
  samePersonShare?: number;
  note: string;
}

/** A version's validation sample with a short-lived signed URL. */
export interface LoraSampleView {
  file: string;
  prompt?: string;
  url: string;
}

/** A signed download link of a version's `.safetensors` file, with the hash and size to check it by. */
export interface LoraLinkView {
  name: string;
  url: string;
  expiresAt: string;
  sha256: string;
  size: number;
  sandbox: boolean;
}

/** The server's public API as the dashboard uses it. */
export interface StudioApi {
  readonly baseUrl: string;
  me(): Promise<Me>;
  health(): Promise<{ sandbox: boolean; provider: string }>;
  /** Names of the signed-in user's models. */
  listModels(): Promise<string[]>;
  createModel(name: string, settings?: { minShortSide?: number }): Promise<void>;
  getModel(name: string): Promise<ModelOverviewView>;
  /** A signed URL of the model's first source (the subject's face); `undefined` when it has none. */
  thumbnail(name: string): Promise<string | undefined>;
  getConsent(name: string): Promise<ConsentView | undefined>;
  putConsent(name: string, consent: ConsentInput): Promise<void>;
  /** Revokes consent (stops further processing); `deleteData` also deletes the model's data everywhere it is stored. */
  revokeConsent(name: string, options: { reason: string; deleteData: boolean }): Promise<{ deletedKeys: number }>;
  listSources(name: string): Promise<ImageView[]>;
  listTargets(name: string): Promise<ImageView[]>;
  uploadSources(name: string, files: File[]): Promise<UploadOutcome[]>;
  uploadTargets(name: string, provenance: TargetProvenance, files: File[]): Promise<UploadOutcome[]>;
  estimate(name: string, options: { ratings?: string[] }): Promise<EstimateView>;
  startRun(name: string, options: { ratings?: string[]; budget?: number }): Promise<JobView>;
  resumeJob(id: string): Promise<JobView>;
  getJob(id: string): Promise<JobView>;
  cancelJob(id: string): Promise<JobView>;
  listResults(name: string): Promise<ResultView[]>;
  /** Queues a caption job for the model's results (202 + the job). */
  startCaptionJob(name: string): Promise<JobView>;
  listCaptions(name: string): Promise<CaptionView[]>;
  setCaption(name: string, image: string, text: string): Promise<CaptionChangesView>;
  editCaptions(name: string, edit: CaptionEdit): Promise<CaptionChangesView>;
  /** Undoes the last caption edit; answers what it undid. */
  undoCaptions(name: string): Promise<{ description: string; restored: string[] }>;
  /** Opens the job's event stream over a WebSocket (the key goes as a subprotocol, never in the URL). */
  openJobEvents(id: string, onEvent: (event: JobEvent) => void, onClose: (code: number) => void): () => void;
  /** The model's built dataset versions. */
  listDatasets(name: string): Promise<DatasetView[]>;
  /** Builds dataset `version` from the reviewed captions. */
  buildDataset(name: string, options: { version: string; allowUnreviewed?: boolean }): Promise<DatasetView>;
  /** The checks before paying for a training. */
  preflight(
    name: string,
    options: { dataset: string; engine: TrainingEngine; steps?: number; rank?: number },
  ): Promise<PreflightView>;
  /** Queues a training of LoRA `version` on `dataset` with `engine` (default SimpleTuner) (202 + the job). */
  startTraining(
    name: string,
    options: { dataset: string; version?: string; steps?: number; rank?: number; engine?: TrainingEngine },
  ): Promise<JobView>;
  listLoras(name: string): Promise<LoraView[]>;
  /** Marks `version` as the final LoRA. */
  promoteLora(name: string, version: string): Promise<void>;
  compareLoras(name: string, a: string, b: string): Promise<LoraComparisonView>;
  /** A version's validation samples with signed URLs. */
  loraSamples(name: string, version: string): Promise<LoraSampleView[]>;
  /** A signed download link of a version's weights (the browser downloads from storage, not through the server). */
  loraLink(name: string, version: string): Promise<LoraLinkView>;
  /** A page of the user's models with what their cards show, in one request (`limit` per page, default 100). */
  listModelCards(options?: { limit?: number; cursor?: string }): Promise<ModelCardsPage>;
  /** The face-swap provider's credits left, for the cost calculator. */
  credits(): Promise<CreditsView>;
  /** The signed-in user's API keys. */
  listKeys(): Promise<ApiKeyView[]>;
  /** Creates a key; its `secret` is answered this once. */
  createKey(options: {
    scope: 'read' | 'write' | 'admin';
    name?: string;
  }): Promise<{ key: ApiKeyView; secret: string }>;
  /** Revokes a key for good. */
  revokeKey(id: string): Promise<ApiKeyView>;
}
