import type { Storage } from '../interfaces/storage.js';
import type { MockProviderAccount } from './create-mock-provider-account.js';

/** The note the mock swapper and enhancer give as `priceNote` by default. */
export const mockPriceNote = 'Mock provider: no money is spent; charges are recorded in the mock account only.';

/** Options of `createMockSwapper` and `createMockEnhancer`. */
export interface MockProviderOptions {
  /** Where the adapter reads its input images (mock images) from, with `storage.get`. */
  storage: Storage;
  /**
   * The provider's memory (jobs, charges, queued faults). Pass one account to several instances to reattach jobs
   * "after a restart" and to read one ledger. @default a new `createMockProviderAccount()`
   */
  account?: MockProviderAccount;
  /** The provider id, in jobs and errors. @default 'mock' */
  provider?: string;
  /** Units charged per job. @default `{ units: 10, unit: 'credits' }` for swaps, `{ units: 2, unit: 'credits' }` for enhances */
  price?: { units: number; unit: string };
  /** @default {@link mockPriceNote} */
  priceNote?: string;
  /**
   * Latency in ms added to every submission (after the inputs are read, before the job is created) and to every
   * wait. Keep it to a few ms. @default 0
   */
  waitMs?: number;
}
