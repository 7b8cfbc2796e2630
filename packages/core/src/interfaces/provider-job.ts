/** Status of a paid provider job. Unknown provider statuses map to `running`. */
export type ProviderJobStatus = 'pending' | 'running' | 'completed' | 'failed';

/**
 * A handle to a submitted paid job. Persist `id` (the journal does): after a restart, pass it to the adapter's
 * `getJob` to reattach instead of paying again.
 */
export interface ProviderJob {
  /** The provider's job id. */
  id: string;
  /** The provider's id, e.g. `maxstudio`. */
  provider: string;
  /** The operation, e.g. `swap`, `enhance`. */
  operation: string;
}

/** The finished output of a paid job. */
export interface ProviderJobResult {
  job: ProviderJob;
  /** Output image bytes. */
  bytes: Uint8Array;
  contentType: string;
  /** Units charged, per the provider's price table (e.g. credits). */
  units: number;
  /** Unit of account, e.g. `credits`. */
  unit: string;
}

/** Options for waiting on a job. */
export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up after this many ms (the job may still finish: reattach later). */
  timeout?: number;
  /** Called on each status change. */
  onStatus?: (status: ProviderJobStatus) => void;
}
