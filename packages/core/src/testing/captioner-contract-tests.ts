import { ProviderError, ValidationError } from '../errors/index.js';
import type { Captioner, CaptionResult, CaptionSubject, ImageFacts } from '../interfaces/index.js';
import type { StorageContractTestApi } from './storage-contract-tests.js';

/** The parts of a test runner the suite uses (the same as the storage suite's): vitest's and jest's fit as is. */
export type CaptionerContractTestApi = StorageContractTestApi;

/** What {@link captionerContractTests} runs against. */
export interface CaptionerContractOptions {
  /** Shown in the suite's name, e.g. `ollama (sandbox)`. */
  name: string;
  /** Makes the captioner under test (once, before the suite); start its server here. */
  create: () => Promise<Captioner> | Captioner;
  /** Releases it after the suite (stop servers). */
  destroy?: (captioner: Captioner) => Promise<void> | void;
  /** A JPEG or PNG photo of one person (core ships no images: bring your own). */
  image: Uint8Array;
  /** What the pipeline knows of `image` (offline captioners need it). */
  facts?: ImageFacts;
  /**
   * The subject used for the finished-caption tests.
   * @default { trigger: 'ohwx', classWord: 'woman', style: 'tags' }
   */
  subject?: CaptionSubject;
  /**
   * Per-test timeout in ms.
   * @default 60000
   */
  timeout?: number;
}

function triggerCount(text: string, trigger: string): number {
  const escaped = trigger.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (text.match(new RegExp(`(?<![\\p{L}\\p{N}_-])${escaped}(?![\\p{L}\\p{N}_-])`, 'giu')) ?? []).length;
}

function usageIsWellFormed(usage: CaptionResult['usage']): boolean {
  if (usage === undefined) return true;
  const numbers = [usage.inputTokens, usage.outputTokens, usage.units].filter((v) => v !== undefined);
  const unitOk = usage.unit === undefined || (typeof usage.unit === 'string' && usage.unit.length > 0);
  return unitOk && numbers.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
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
 * The contract every {@link Captioner} meets: a non-empty caption for a photo; with a subject, a finished caption with
 * the trigger word exactly once; `raw` and `model` strings when given; a well-formed usage; rejection with the
 * signal's reason when aborted; and a typed error (ValidationError, or ProviderError with reason `input`) for bytes
 * that are not an image.
 *
 * @example
 * ```ts no-run
 * import { afterAll, beforeAll, describe, expect, it } from 'vitest';
 * import { captionerContractTests } from '@model-studio/core/testing';
 * captionerContractTests({ describe, it, expect, beforeAll, afterAll }, {
 *   name: 'my captioner',
 *   create: () => createMyCaptioner(),
 *   image: photo,
 * });
 * ```
 */
export function captionerContractTests(api: CaptionerContractTestApi, options: CaptionerContractOptions): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const timeout = options.timeout ?? 60_000;
  const subject: CaptionSubject = options.subject ?? { trigger: 'ohwx', classWord: 'woman', style: 'tags' };
  const request = { image: options.image, facts: options.facts };
  describe(`Captioner contract: ${options.name}`, () => {
    let captioner: Captioner;
    beforeAll(async () => {
      captioner = await options.create();
    }, timeout);
    afterAll(async () => {
      if (captioner) await options.destroy?.(captioner);
    }, timeout);

    it('declares specificationVersion v1, a provider id and whether it is paid', () => {
      expect(captioner.specificationVersion).toBe('v1');
      expect(typeof captioner.provider).toBe('string');
      expect(captioner.provider.length).toBeGreaterThan(0);
      expect(captioner.paid === undefined || typeof captioner.paid === 'boolean').toBe(true);
    });

    it(
      'describes a photo with non-empty text, and well-formed model, raw and usage',
      async () => {
        const result = await captioner.caption(request);
        expect(typeof result.text).toBe('string');
        expect(result.text.trim().length).toBeGreaterThan(0);
        if (result.model !== undefined) expect(result.model.length).toBeGreaterThan(0);
        if (result.raw !== undefined) expect(typeof result.raw).toBe('string');
        expect(usageIsWellFormed(result.usage)).toBe(true);
      },
      timeout,
    );

    it(
      'writes a finished caption with the trigger word exactly once for a subject',
      async () => {
        const result = await captioner.caption({ ...request, subject });
        expect(result.text.trim().length).toBeGreaterThan(0);
        expect(triggerCount(result.text, subject.trigger)).toBe(1);
      },
      timeout,
    );

    it(
      'rejects with the signal reason when the signal is already aborted',
      async () => {
        const controller = new AbortController();
        const reason = new Error('stop');
        controller.abort(reason);
        expect(await caught(captioner.caption(request, { signal: controller.signal }))).toBe(reason);
      },
      timeout,
    );

    it(
      'refuses bytes that are not an image with a typed error',
      async () => {
        const error = await caught(
          captioner.caption({ image: new TextEncoder().encode('this is not an image at all') }),
        );
        const typed =
          ValidationError.isInstance(error) || (ProviderError.isInstance(error) && error.reason === 'input');
        expect(typed).toBe(true);
      },
      timeout,
    );
  });
}
