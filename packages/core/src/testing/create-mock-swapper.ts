import type { FaceSwapper } from '../interfaces/face-swapper.js';
import type { Storage } from '../interfaces/storage.js';
import { faceUnder } from './create-mock-face-checker.js';
import { createMockProviderAccount, type MockProviderAccount } from './create-mock-provider-account.js';
import { type MockImage, readMockImage } from './mock-image.js';
import { type MockProviderOptions, mockPriceNote } from './mock-provider-options.js';
import { readStream } from './read-mock-image-source.js';
import { type MockJobContext, mockProviderError, submitMockJob, waitForMockJob } from './submit-mock-job.js';

/** A mock adapter with the account it bills. */
export interface MockPaidAdapter {
  /** The account jobs and charges are recorded in (the one passed in options, or the adapter's own). */
  readonly account: MockProviderAccount;
}

/** The mock swapper: a `FaceSwapper` with its {@link MockProviderAccount}. */
export type MockSwapper = FaceSwapper & MockPaidAdapter;

/** The context of a mock paid adapter, from its options. */
export function mockJobContext(options: MockProviderOptions, price: { units: number; unit: string }): MockJobContext {
  return {
    provider: options.provider ?? 'mock',
    account: options.account ?? createMockProviderAccount(),
    price: { ...(options.price ?? price) },
    waitMs: Math.max(0, options.waitMs ?? 0),
  };
}

/** The mock image stored at `key`; a `ProviderError` `input` (nothing charged) when it is not one. */
export async function readMockInput(
  context: MockJobContext,
  storage: Storage,
  key: string,
  signal: AbortSignal | undefined,
  bytes?: Uint8Array,
): Promise<MockImage> {
  const image = readMockImage(bytes ?? (await readStream(await storage.get(key, { signal }))));
  if (image) return image;
  throw mockProviderError(
    context,
    `The mock provider reads only mock images (mockImage() from @model-studio/core/testing); "${key}" is not one. Nothing was charged.`,
    { reason: 'input', isRetryable: false, providerMessage: 'not a mock image' },
  );
}

/**
 * A deterministic in-memory {@link FaceSwapper} over mock images (see `mockImage`). `submitSwap` reads the target and
 * the source from `options.storage` (a missing key rejects with storage's `NotFoundError`, bytes that are not a mock
 * image with `ProviderError` `input`; nothing is charged), then creates and charges a job in the account, which
 * finishes at once. The job's output is the target with the identity of every face (or, when `faces` boxes are given,
 * of every face they overlap) replaced by the identity of the source's first face; its metadata is dropped (as a real
 * provider's re-encoded output has none) and `swap <jobId>` is added to its history. A target or source without a
 * face is refused with `input`.
 *
 * Faults come from the account (`account.failNext('swap', ...)`); jobs are reattached by id by any swapper sharing
 * the account. `waitForSwap` rejects with the signal's reason when aborted, and with `job-failed` for an unknown id.
 * Default price 10 credits; provider `mock`.
 *
 * @example
 * ```ts no-run
 * const account = createMockProviderAccount();
 * await storage.put('target.mock', mockImage({ faces: [{ identity: 'stand-in' }] }));
 * await storage.put('source.mock', mockImage({ faces: [{ identity: 'alice' }] }));
 * const swapper = createMockSwapper({ storage, account });
 * const job = await swapper.submitSwap({ targetKey: 'target.mock', sourceKey: 'source.mock' });
 * // After a "restart": a new swapper on the same account reattaches the job by id.
 * const result = await createMockSwapper({ storage, account }).waitForSwap({ ...job });
 * readMockImage(result.bytes)?.faces[0]?.identity; // 'alice'
 * account.charged(); // 10
 * ```
 */
export function createMockSwapper(options: MockProviderOptions): MockSwapper {
  const context = mockJobContext(options, { units: 10, unit: 'credits' });
  const { storage } = options;
  return {
    specificationVersion: 'v1',
    provider: context.provider,
    requiresPublicUrls: false,
    price: context.price,
    priceNote: options.priceNote ?? mockPriceNote,
    account: context.account,
    submitSwap(request, call) {
      const keys = [request.targetKey, request.sourceKey];
      return submitMockJob(
        context,
        'swap',
        keys,
        async (signal) => {
          const [target, source] = await Promise.all([
            readMockInput(context, storage, request.targetKey, signal),
            readMockInput(context, storage, request.sourceKey, signal),
          ]);
          const identity = source.faces[0]?.identity;
          if (identity === undefined) {
            throw mockProviderError(
              context,
              `No face in the source "${request.sourceKey}", so there is no face to swap in. Nothing was charged.`,
              { reason: 'input', isRetryable: false },
            );
          }
          const replaced = (face: MockImage['faces'][number]) =>
            request.faces === undefined || request.faces.some((box) => faceUnder(target, box) === face);
          if (!target.faces.some(replaced)) {
            throw mockProviderError(
              context,
              `No face found in the target "${request.targetKey}", so there is nothing to swap. Nothing was charged.`,
              { reason: 'input', isRetryable: false },
            );
          }
          const { metadata: _dropped, ...rest } = target;
          return { ...rest, faces: target.faces.map((face) => (replaced(face) ? { ...face, identity } : face)) };
        },
        call,
      );
    },
    waitForSwap(job, call) {
      return waitForMockJob(context, 'swap', job, call);
    },
  };
}
