import {
  type CallOptions,
  type Captioner,
  type CaptionRequest,
  type CaptionResult,
  isPrivateUrl,
  ValidationError,
} from '@model-studio/core';
import { postJson } from '../http/post-json.js';
import { type RetrySettings, resolveRetrySettings } from '../http/retry-settings.js';
import { throwIfAborted, withRetries } from '../http/with-retries.js';
import { sniffImage } from '../image/sniff-image.js';
import { finishCaption } from './finish-caption.js';

/** Settings of {@link createHfImageToTextCaptioner}. */
export interface HfImageToTextCaptionerSettings extends RetrySettings {
  /** The Inference Endpoint's URL (e.g. `https://xyz.us-east-1.aws.endpoints.huggingface.cloud`). */
  endpointUrl: string;
  /** Hugging Face token, read from `HF_TOKEN` on each call when not given; never logged or put in a message. */
  accessToken?: string;
  /**
   * The model the endpoint serves, reported as `model` in results.
   * @default 'Salesforce/blip-image-captioning-large'
   */
  model?: string;
  /**
   * Whether calls cost money (an endpoint is billed while it runs).
   * @default false for a loopback or private-network URL, else true
   */
  paid?: boolean;
  /** The fetch to use (tests, proxies). */
  fetch?: typeof fetch;
}

function generatedText(json: unknown): unknown {
  const first = Array.isArray(json) ? json[0] : json;
  return typeof first === 'object' && first !== null
    ? (first as { generated_text?: unknown }).generated_text
    : undefined;
}

/**
 * A {@link Captioner} on an image-to-text model (BLIP, GIT) behind a self-hosted Inference Endpoint: the image bytes
 * are POSTed as the body, and both answers are read: `{generated_text}` and the transformers pipeline's
 * `[{generated_text}]` (which `@huggingface/inference`'s `imageToText` rejects, hence the plain request here). BLIP's
 * artifacts (`arafed`, `there is a`) are cleaned.
 *
 * @example
 * ```ts
 * import { createHfImageToTextCaptioner } from '@model-studio/captioning';
 * import { startCaptionSandbox } from '@model-studio/captioning/testing';
 * import { readFileSync } from 'node:fs';
 *
 * const sandbox = await startCaptionSandbox();
 * const captioner = createHfImageToTextCaptioner({ endpointUrl: `${sandbox.url}/endpoints/blip-pipeline` });
 * const result = await captioner.caption({
 *   image: readFileSync('test/fixtures/astronaut.png'),
 *   subject: { trigger: 'eileen', classWord: 'woman', style: 'tags' },
 * });
 * console.log('[sandbox]', result.raw, '->', result.text);
 * await sandbox.close();
 * ```
 */
export function createHfImageToTextCaptioner(settings: HfImageToTextCaptionerSettings): Captioner {
  let url: string;
  try {
    url = new URL(settings.endpointUrl).toString();
  } catch {
    throw new ValidationError('endpointUrl is not a URL: pass the Inference Endpoint address.', {
      field: 'endpointUrl',
      value: settings.endpointUrl,
    });
  }
  const retry = resolveRetrySettings(settings);
  const paid = settings.paid ?? !isPrivateUrl(url);
  const model = settings.model ?? 'Salesforce/blip-image-captioning-large';
  const provider = 'huggingface-endpoint';
  return {
    specificationVersion: 'v1',
    provider,
    paid,
    async caption(request: CaptionRequest, options: CallOptions = {}): Promise<CaptionResult> {
      throwIfAborted(options.signal);
      const image = sniffImage(request.image);
      return withRetries(retry, options.signal, async (signal) => {
        const token = settings.accessToken ?? process.env.HF_TOKEN;
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        const { json } = await postJson({
          provider,
          url,
          body: request.image,
          contentType: request.contentType ?? image.contentType,
          headers,
          signal,
          paid,
          maxDelayMs: retry.maxRetryDelayMs,
          fetch: settings.fetch,
        });
        return finishCaption(provider, generatedText(json), request, { model, usage: { units: 1, unit: 'request' } });
      });
    },
  };
}
