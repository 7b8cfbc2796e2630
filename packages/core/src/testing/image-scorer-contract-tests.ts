import { ProviderError, ValidationError } from '../errors/index.js';
import type { ImageFacts, ImageScorer } from '../interfaces/index.js';
import type { StorageContractTestApi } from './storage-contract-tests.js';

/** The parts of a test runner the suite uses (the same as the storage suite's). */
export type ImageScorerContractTestApi = StorageContractTestApi;

/** What {@link imageScorerContractTests} runs against. */
export interface ImageScorerContractOptions {
  /** Shown in the suite's name. */
  name: string;
  /** Makes the scorer under test (once, before the suite). */
  create: () => Promise<ImageScorer> | ImageScorer;
  /** Releases it after the suite. */
  destroy?: (scorer: ImageScorer) => Promise<void> | void;
  /** JPEG or PNG photos to score (bring your own), with their facts when the scorer needs them. */
  images: Array<{ image: Uint8Array; facts?: ImageFacts }>;
  /**
   * Per-test timeout in ms.
   * @default 120000
   */
  timeout?: number;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * The contract every {@link ImageScorer} meets: a metric name, a finite score in [0, 1] for every sample tagged with
 * that metric, the same score for the same image twice, rejection with the signal's reason when aborted, and a typed
 * error (ValidationError, or ProviderError with reason `input`) for bytes that are not an image.
 *
 * @example
 * ```ts no-run
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * import { imageScorerContractTests } from '@model-studio/core/testing';
 * imageScorerContractTests({ describe, it, expect, beforeAll, afterAll }, {
 *   name: 'my scorer',
 *   create: () => createMyScorer(),
 *   images: [{ image: photo }],
 * });
 * ```
 */
export function imageScorerContractTests(api: ImageScorerContractTestApi, options: ImageScorerContractOptions): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const timeout = options.timeout ?? 120_000;
  describe(`ImageScorer contract: ${options.name}`, () => {
    let scorer: ImageScorer;
    beforeAll(async () => {
      scorer = await options.create();
    }, timeout);
    afterAll(async () => {
      if (scorer) await options.destroy?.(scorer);
    }, timeout);

    it('declares specificationVersion v1, a provider id and a metric name', () => {
      expect(scorer.specificationVersion).toBe('v1');
      expect(scorer.provider.length).toBeGreaterThan(0);
      expect(scorer.metric.length).toBeGreaterThan(0);
    });

    it(
      'scores every sample in [0, 1], named with its metric',
      async () => {
        expect(options.images.length).toBeGreaterThan(0);
        for (const sample of options.images) {
          const result = await scorer.score(sample);
          expect(Number.isFinite(result.score)).toBe(true);
          expect(result.score).toBeGreaterThanOrEqual(0);
          expect(result.score).toBeLessThanOrEqual(1);
          expect(result.metric).toBe(scorer.metric);
        }
      },
      timeout,
    );

    it(
      'gives the same image the same score twice',
      async () => {
        const sample = options.images[0]!;
        const a = await scorer.score(sample);
        const b = await scorer.score(sample);
        expect(a.score).toBeCloseTo(b.score, 6);
      },
      timeout,
    );

    it(
      'rejects with the signal reason when the signal is already aborted',
      async () => {
        const controller = new AbortController();
        const reason = new Error('stop');
        controller.abort(reason);
        expect(await caught(scorer.score(options.images[0]!, { signal: controller.signal }))).toBe(reason);
      },
      timeout,
    );

    it(
      'refuses bytes that are not an image with a typed error',
      async () => {
        const error = await caught(scorer.score({ image: new TextEncoder().encode('this is not an image at all') }));
        const typed =
          ValidationError.isInstance(error) || (ProviderError.isInstance(error) && error.reason === 'input');
        expect(typed).toBe(true);
      },
      timeout,
    );
  });
}
