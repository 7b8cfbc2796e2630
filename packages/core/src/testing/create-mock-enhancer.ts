import type { Enhancer } from '../interfaces/enhancer.js';
import { type MockPaidAdapter, mockJobContext, readMockInput } from './create-mock-swapper.js';
import { scaleMockImage } from './mock-image.js';
import { type MockProviderOptions, mockPriceNote } from './mock-provider-options.js';
import { submitMockJob, waitForMockJob } from './submit-mock-job.js';

/** The mock enhancer: an `Enhancer` with its `MockProviderAccount`. */
export type MockEnhancer = Enhancer & MockPaidAdapter;

/**
 * A deterministic in-memory {@link Enhancer} over mock images (see `mockImage`). `submitEnhance` uses
 * `request.image` when given, else reads `imageKey` from `options.storage` (a missing key rejects with storage's
 * `NotFoundError`, bytes that are not a mock image with `ProviderError` `input`; nothing is charged), then creates and
 * charges a job in the account, which finishes at once. The output is the image with its width and height doubled
 * (face boxes scaled with it), its metadata dropped, and `enhance <jobId>` added to its history.
 *
 * Faults come from the account (`account.failNext('enhance', ...)`); jobs are reattached by id by any enhancer
 * sharing the account. `waitForEnhance` rejects with the signal's reason when aborted, and with `job-failed` for an
 * unknown id. Default price 2 credits; provider `mock`.
 *
 * @example
 * ```ts no-run
 * const enhancer = createMockEnhancer({ storage });
 * await storage.put('swapped.mock', mockImage({ width: 600, height: 800 }));
 * const result = await enhancer.waitForEnhance(await enhancer.submitEnhance({ imageKey: 'swapped.mock' }));
 * readMockImage(result.bytes)?.width; // 1200
 * ```
 */
export function createMockEnhancer(options: MockProviderOptions): MockEnhancer {
  const context = mockJobContext(options, { units: 2, unit: 'credits' });
  const { storage } = options;
  return {
    specificationVersion: 'v1',
    provider: context.provider,
    requiresPublicUrls: false,
    price: context.price,
    priceNote: options.priceNote ?? mockPriceNote,
    account: context.account,
    submitEnhance(request, call) {
      return submitMockJob(
        context,
        'enhance',
        [request.imageKey],
        async (signal) => {
          const image = await readMockInput(context, storage, request.imageKey, signal, request.image);
          const { metadata: _dropped, ...rest } = scaleMockImage(image, image.width * 2, image.height * 2);
          return rest;
        },
        call,
      );
    },
    waitForEnhance(job, call) {
      return waitForMockJob(context, 'enhance', job, call);
    },
  };
}
