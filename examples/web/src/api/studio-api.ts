/**
 * What the dashboard asks of the server: one method per public route it uses. `createStudioApi` implements it over
 * the server's generated typed client (`@model-studio/server/client`); pages see only these view types.
 */

/** `GET /v1/me`. */
export interface Me {
  user: { id: string; name: string; admin: boolean };
  key: { id: string; prefix: string; scope: 'read' | 'write' | 'admin' };
}

/** A job as the server answers it (`GET /v1/jobs/:id`). */
export interface JobView {
  id: string;
  type: string;
  model: string;
  state: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';
  createdAt: string;
  endedAt?: string;
  error?: { name: string; message: string };
  result?: unknown;
}

/** A model on the dashboard: counts, consent, cost so far, last job and a thumbnail. */
export interface ModelCardView {
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
  /** A short-lived signed URL of a small image of the model, when it has one. */
  thumbnailUrl?: string;
}

/** An uploaded source or target with what the import checks found. */
export interface ImageView {
  name: string;
  rating?: string;
  url?: string;
  /** Findings of the quality checks (warnings kept with an accepted image). */
  findings: string[];
}

/** One file of an upload: accepted with its new name, or rejected with the typed reason. */
export interface UploadOutcome {
  file: string;
  accepted: boolean;
  name?: string;
  code?: string;
  reason?: string;
}

/** The cost calculator's answer (`POST /v1/models/:model/estimate`). */
export interface EstimateView {
  sources: number;
  targets: number;
  ratings: string[];
  units: number;
  /** Per stage: price per unit and total. */
  stages: { stage: string; unitPrice: number; total: number; unit: string }[];
  total: number;
  unit: string;
  budget?: number;
  creditsLeft?: number;
  sandbox: boolean;
}

/** An enhanced result with its target, both as signed URLs. */
export interface ResultView {
  name: string;
  rating: string;
  url: string;
  targetUrl?: string;
  targetName?: string;
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

/** A job event from `GET /v1/jobs/:id/events` (`{ seq, at, type, data }`), or the final `{ type: 'end', job }`. */
export interface JobEvent {
  seq?: number;
  at?: string;
  type: string;
  data?: Record<string, unknown>;
  job?: JobView | null;
}

/** The server's public API as the dashboard uses it. */
export interface StudioApi {
  readonly baseUrl: string;
  me(): Promise<Me>;
  health(): Promise<{ sandbox: boolean; provider: string }>;
  listModels(): Promise<ModelCardView[]>;
  createModel(name: string): Promise<void>;
  getModel(name: string): Promise<ModelCardView>;
  getConsent(name: string): Promise<(ConsentInput & { revokedAt?: string }) | undefined>;
  putConsent(name: string, consent: ConsentInput): Promise<void>;
  listSources(name: string): Promise<ImageView[]>;
  listTargets(name: string): Promise<ImageView[]>;
  uploadSources(name: string, files: File[]): Promise<UploadOutcome[]>;
  uploadTargets(name: string, rating: string, files: File[]): Promise<UploadOutcome[]>;
  estimate(name: string, options: { ratings?: string[]; budget?: number }): Promise<EstimateView>;
  startRun(name: string, options: { ratings?: string[]; budget?: number }): Promise<JobView>;
  resumeModel(name: string): Promise<JobView>;
  getJob(id: string): Promise<JobView>;
  cancelJob(id: string): Promise<JobView>;
  listJobs(model: string): Promise<JobView[]>;
  listResults(name: string): Promise<ResultView[]>;
  /** Opens the job's event stream over a WebSocket (the key goes as a subprotocol, never in the URL). */
  openJobEvents(id: string, onEvent: (event: JobEvent) => void, onClose: (code: number) => void): () => void;
}
