import type { ProviderJob, ProviderJobResult, WaitOptions } from './provider-job.js';
import type { BoundingBox, CallOptions } from './shared.js';

/** What to swap: the target image and, for each face in it to replace, the source face. */
export interface SwapRequest {
  /** Storage key of the target image (the body/scene). */
  targetKey: string;
  /** Storage key of the source face image. */
  sourceKey: string;
  /** Boxes of the target's faces to replace. When omitted, the adapter detects them. */
  faces?: BoundingBox[];
}

/** Swaps faces. Submit returns a job handle that can be reattached by id after a restart. */
export interface FaceSwapper {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  /**
   * True when the provider fetches images by URL from the internet, so storage must give public URLs
   * (`Storage.publicUrls`). A sandbox on loopback sets it to false. The orchestrator refuses to pair a provider
   * that needs public URLs with storage that cannot give them. @default false
   */
  readonly requiresPublicUrls?: boolean;
  /** Units charged per swap, e.g. `{ units: 10, unit: 'credits' }`. */
  readonly price: { units: number; unit: string };
  /**
   * Where the provider's charges come from, shown with every estimate and summary, e.g. that the API reports no
   * charges so "actual" amounts are price-table figures. @default a generic price-table note from core
   */
  readonly priceNote?: string;
  /** Submits a paid swap. Throws `ProviderError` with reason `uncertain` when the response was lost. */
  submitSwap(request: SwapRequest, options?: CallOptions): Promise<ProviderJob>;
  /** Waits for a job (new or reattached by id) and returns its output bytes. */
  waitForSwap(job: ProviderJob, options?: WaitOptions): Promise<ProviderJobResult>;
}
