import { InferenceClient } from '@huggingface/inference';
import {
  type CallOptions,
  type ImageScore,
  type ImageScorer,
  ProviderError,
  type ScoreRequest,
} from '@model-studio/core';
import { type CapturedHeaders, capturingFetch, providerErrorFromHf } from '../http/hf-error.js';
import { invalidResponseError } from '../http/provider-failure.js';
import { type RetrySettings, resolveRetrySettings } from '../http/retry-settings.js';
import { throwIfAborted, withRetries } from '../http/with-retries.js';
import { sniffImage } from '../image/sniff-image.js';

/** CLIP-IQA's prompt pair (Wang et al., 2023): the score is the softmax share of the first. */
export const clipIqaLabels = ['Good photo.', 'Bad photo.'] as const;

/** Settings of {@link createClipIqaScorer}. */
export interface ClipIqaScorerSettings extends RetrySettings {
  /** Hugging Face token, read from `HF_TOKEN` on each call when not given. */
  accessToken?: string;
  /**
   * The CLIP model (zero-shot image classification on hf-inference).
   * @default 'openai/clip-vit-large-patch14'
   */
  model?: string;
  /** A self-hosted endpoint or the sandbox's `/models/<model>` route instead of hf-inference. */
  endpointUrl?: string;
  /** The fetch to use (tests, proxies). */
  fetch?: typeof fetch;
}

/** The CLIP-IQA score from zero-shot scores: `good / (good + bad)` (the scores are already a softmax). */
export function clipIqaScore(labels: ReadonlyArray<{ label: string; score: number }>): number | undefined {
  const good = labels.find((entry) => entry.label === clipIqaLabels[0])?.score;
  const bad = labels.find((entry) => entry.label === clipIqaLabels[1])?.score;
  if (good === undefined || bad === undefined || !(good + bad > 0)) return undefined;
  return Math.min(1, Math.max(0, good / (good + bad)));
}

/**
 * An {@link ImageScorer} with CLIP-IQA through Hugging Face zero-shot image classification: the labels
 * `["Good photo.", "Bad photo."]`, the score the probability of "Good photo." (metric `clip-iqa`). It is what the
 * brief's "CLIP beauty score > 0.6" means here. Paid per call.
 *
 * @example
 * ```ts
 * import { createClipIqaScorer } from '@model-studio/captioning';
 * import { startCaptionSandbox } from '@model-studio/captioning/testing';
 * import { readFileSync } from 'node:fs';
 *
 * const sandbox = await startCaptionSandbox();
 * const scorer = createClipIqaScorer({ endpointUrl: `${sandbox.url}/models/openai/clip-vit-large-patch14` });
 * const { score, metric } = await scorer.score({ image: readFileSync('test/fixtures/astronaut.png') });
 * console.log('[sandbox]', metric, score.toFixed(2));
 * await sandbox.close();
 * ```
 */
export function createClipIqaScorer(settings: ClipIqaScorerSettings = {}): ImageScorer {
  const retry = resolveRetrySettings(settings);
  const model = settings.model ?? 'openai/clip-vit-large-patch14';
  const provider = 'huggingface';
  return {
    specificationVersion: 'v1',
    provider,
    metric: 'clip-iqa',
    paid: true,
    async score(request: ScoreRequest, options: CallOptions = {}): Promise<ImageScore> {
      throwIfAborted(options.signal);
      const image = sniffImage(request.image);
      const blob = new Blob([new Uint8Array(request.image)], { type: request.contentType ?? image.contentType });
      return withRetries(retry, options.signal, async (signal) => {
        const accessToken = settings.accessToken ?? process.env.HF_TOKEN;
        if (!accessToken && !settings.endpointUrl) {
          throw new ProviderError('No Hugging Face token: set HF_TOKEN or pass accessToken.', {
            provider,
            reason: 'authentication',
            isRetryable: false,
          });
        }
        const captured: CapturedHeaders = {};
        const route = settings.endpointUrl
          ? { endpointUrl: settings.endpointUrl }
          : { provider: 'hf-inference' as const };
        try {
          const labels = await new InferenceClient(accessToken).zeroShotImageClassification(
            { model, ...route, inputs: blob, parameters: { candidate_labels: [...clipIqaLabels] } },
            { signal, retry_on_error: false, fetch: capturingFetch(settings.fetch ?? fetch, captured) },
          );
          const score = clipIqaScore(labels);
          if (score === undefined)
            throw invalidResponseError(provider, 'the labels "Good photo." and "Bad photo." are missing');
          return { score, metric: 'clip-iqa', usage: { units: 1, unit: 'request' } };
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          throw providerErrorFromHf(error, { provider, paid: true, maxDelayMs: retry.maxRetryDelayMs, captured });
        }
      });
    },
  };
}
