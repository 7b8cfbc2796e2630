import {
  isLoopbackUrl,
  type ProviderJob,
  type ProviderJobResult,
  type Storage,
  ValidationError,
  type WaitOptions,
} from '@model-studio/core';
import { abortIfNeeded } from './abort-if-needed.js';
import type { MaxStudioClient, MaxStudioWaitOptions } from './maxstudio-client.js';

/** Units charged per operation. */
export interface MaxStudioPrice {
  units: number;
  unit: string;
}

/** The price table the adapters report charges from. Configuration, not a constant: MaxStudio publishes no price page. */
export interface MaxStudioPrices {
  /** @default { units: 10, unit: 'credits' } */
  swap?: MaxStudioPrice;
  /** @default { units: 2, unit: 'credits' } */
  enhance?: MaxStudioPrice;
}

/** The prices the product brief gives (unconfirmed by MaxStudio): swap 10 credits, 2x enhance 2 credits. */
export const defaultMaxStudioPrices: Required<MaxStudioPrices> = {
  swap: { units: 10, unit: 'credits' },
  enhance: { units: 2, unit: 'credits' },
};

/** What the adapters share. */
export interface ProviderContext {
  client: MaxStudioClient;
  storage: Storage;
  /** Seconds a signed URL stays valid. */
  expiresIn: number;
  /** Whether loopback (non-public) URLs may be handed to MaxStudio. */
  allowLoopbackUrls: boolean;
}

/**
 * True when `baseURL`'s host is loopback (127.0.0.0/8, `localhost`, `*.localhost`, `::1`, `::ffff:127.x`): a sandbox on
 * this machine. The same check as core's `isLoopbackUrl`, kept under this package's name.
 */
export const isLoopbackURL: (baseURL: string) => boolean = isLoopbackUrl;

/** Whether this context may only hand MaxStudio internet-reachable URLs. */
export function requiresPublicUrls(context: ProviderContext): boolean {
  return !(context.allowLoopbackUrls || isLoopbackUrl(context.client.baseURL));
}

/**
 * A fresh signed GET URL for `key`, one per submission. Refuses (before anything is sent) when the storage cannot sign
 * URLs, or its URLs are not reachable from the internet and the client is not talking to a loopback sandbox.
 */
export async function signedUrlFor(
  context: ProviderContext,
  key: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { storage } = context;
  if (typeof storage.signedUrl !== 'function') {
    throw new ValidationError(
      `Storage "${storage.provider}" cannot make signed URLs, and MaxStudio downloads its inputs from URLs. Use a storage with signed URLs (S3, R2, MinIO) for swaps and detection.`,
      { field: 'storage' },
    );
  }
  if (!storage.publicUrls && requiresPublicUrls(context)) {
    throw new ValidationError(
      `Storage "${storage.provider}" gives URLs the internet cannot reach (publicUrls: false), so MaxStudio could not download "${key}". Use internet-reachable storage (e.g. S3) with the real API; loopback URLs only work with the sandbox.`,
      { field: 'storage' },
    );
  }
  return storage.signedUrl(key, { method: 'GET', expiresIn: context.expiresIn, signal });
}

/** Reads a whole object from storage, stopping early once it exceeds `limit` bytes (returns what was read so far plus `tooLarge`). */
export async function readStorageBytes(
  storage: Storage,
  key: string,
  limit: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
  const stream = await storage.get(key, { signal });
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return { bytes: new Uint8Array(0), tooLarge: true };
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { bytes: Buffer.concat(chunks), tooLarge: false };
}

/**
 * Checks a job handle (from submit, or rebuilt from a journal) and the signal before waiting, and maps core's
 * `WaitOptions` to the client's.
 */
export function prepareWait(
  job: ProviderJob,
  operation: 'swap' | 'enhance',
  options: WaitOptions,
): MaxStudioWaitOptions {
  checkJob(job, operation);
  abortIfNeeded(options.signal, `${operation} wait`);
  const { onStatus } = options;
  return { signal: options.signal, timeout: options.timeout, onStatus: onStatus && ((status) => onStatus(status)) };
}

/** The `ProviderJobResult` of a finished job: a plain copy of the handle, the bytes, and the units from the price table. */
export function jobResult(
  job: ProviderJob,
  bytes: Uint8Array,
  contentType: string,
  price: MaxStudioPrice,
): ProviderJobResult {
  return {
    job: { id: job.id, provider: job.provider, operation: job.operation },
    bytes,
    contentType,
    units: price.units,
    unit: price.unit,
  };
}

/** Throws when a job handle is for another provider or operation. */
function checkJob(job: { provider: string; operation: string; id: string }, operation: 'swap' | 'enhance'): void {
  if (job.provider !== 'maxstudio' || job.operation !== operation || typeof job.id !== 'string' || job.id === '') {
    throw new ValidationError(
      `Expected a MaxStudio ${operation} job, got provider "${job.provider}", operation "${job.operation}". Pass the job returned by submit (or one rebuilt from the journal with the same fields).`,
      { field: 'job' },
    );
  }
}
