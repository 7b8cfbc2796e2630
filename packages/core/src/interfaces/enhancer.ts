import type { ProviderJob, ProviderJobResult, WaitOptions } from './provider-job.js';
import type { CallOptions } from './shared.js';

/** What to enhance. */
export interface EnhanceRequest {
  /** Storage key of the image to enhance. */
  imageKey: string;
  /**
   * The bytes stored at `imageKey`, when the caller already holds them (the orchestrator does, right after storing a
   * swap): an enhancer that sends bytes uses these instead of reading storage again. Must equal what is stored.
   */
  image?: Uint8Array;
}

/** Enhances (upscales) images. Submit returns a job handle that can be reattached by id after a restart. */
export interface Enhancer {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  /**
   * True when the provider fetches images by URL from the internet, so storage must give public URLs
   * (`Storage.publicUrls`). A sandbox on loopback sets it to false. The orchestrator refuses to pair a provider
   * that needs public URLs with storage that cannot give them. @default false
   */
  readonly requiresPublicUrls?: boolean;
  /** Units charged per enhance. */
  readonly price: { units: number; unit: string };
  /**
   * Where the provider's charges come from, shown with every estimate and summary, e.g. that the API reports no
   * charges so "actual" amounts are price-table figures. @default a generic price-table note from core
   */
  readonly priceNote?: string;
  /** Submits a paid enhance. Throws `ProviderError` with reason `uncertain` when the response was lost. */
  submitEnhance(request: EnhanceRequest, options?: CallOptions): Promise<ProviderJob>;
  /** Waits for a job (new or reattached by id) and returns its output bytes. */
  waitForEnhance(job: ProviderJob, options?: WaitOptions): Promise<ProviderJobResult>;
}
