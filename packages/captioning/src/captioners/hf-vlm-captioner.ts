import { InferenceClient, type InferenceProviderOrPolicy } from '@huggingface/inference';
import {
  type CallOptions,
  type Captioner,
  type CaptionRequest,
  type CaptionResult,
  ProviderError,
} from '@model-studio/core';
import { type CapturedHeaders, capturingFetch, providerErrorFromHf } from '../http/hf-error.js';
import { type RetrySettings, resolveRetrySettings } from '../http/retry-settings.js';
import { throwIfAborted, withRetries } from '../http/with-retries.js';
import { imageDataUrl, sniffImage } from '../image/sniff-image.js';
import { promptFor } from './caption-prompts.js';
import { finishCaption, messageText } from './finish-caption.js';

/** The default VLM: Qwen2.5-VL 7B Instruct, served for chat with images by several Inference Providers. */
export const defaultHfVlmModel = 'Qwen/Qwen2.5-VL-7B-Instruct';

/** Settings of {@link createHfVlmCaptioner}. */
export interface HfVlmCaptionerSettings extends RetrySettings {
  /**
   * Hugging Face access token. Read from `HF_TOKEN` when each call is made when not given; never logged or put in a
   * message.
   */
  accessToken?: string;
  /**
   * The VLM.
   * @default 'Qwen/Qwen2.5-VL-7B-Instruct'
   */
  model?: string;
  /**
   * Inference Provider (`together`, `nscale`, ...) or `auto` (Hugging Face's router picks one that serves the model).
   * Ignored with `endpointUrl`.
   * @default 'auto'
   */
  provider?: InferenceProviderOrPolicy;
  /**
   * An OpenAI-compatible base URL instead of the router: a dedicated Inference Endpoint, TGI, or the sandbox
   * (`/v1/chat/completions` is appended).
   */
  endpointUrl?: string;
  /**
   * Longest caption, in tokens.
   * @default 200
   */
  maxTokens?: number;
  /**
   * Whether calls cost money.
   * @default true
   */
  paid?: boolean;
  /** The fetch to use (tests, proxies). */
  fetch?: typeof fetch;
}

/**
 * A {@link Captioner} on a vision-language model through Hugging Face Inference (`chatCompletion` with the image as a
 * data URL). Retries 429 (honouring Retry-After), 503 (a loading model's `estimated_time`) and 5xx with backoff; the
 * client's own retry is off. Errors are {@link ProviderError}s with status and request id; usage reports tokens.
 *
 * @example
 * ```ts
 * import { createHfVlmCaptioner } from '@model-studio/captioning';
 * import { startCaptionSandbox } from '@model-studio/captioning/testing';
 * import { readFileSync } from 'node:fs';
 *
 * const sandbox = await startCaptionSandbox();
 * const captioner = createHfVlmCaptioner({ endpointUrl: sandbox.url, accessToken: sandbox.accessToken });
 * const image = readFileSync('test/fixtures/grace_hopper.jpg');
 * const result = await captioner.caption({ image, subject: { trigger: 'andie', classWord: 'woman', style: 'tags' } });
 * console.log('[sandbox]', result.text, result.usage);
 * await sandbox.close();
 * ```
 */
export function createHfVlmCaptioner(settings: HfVlmCaptionerSettings = {}): Captioner {
  const retry = resolveRetrySettings(settings);
  const model = settings.model ?? defaultHfVlmModel;
  const paid = settings.paid ?? true;
  const maxTokens = settings.maxTokens ?? 200;
  const provider = 'huggingface';

  async function attempt(request: CaptionRequest, dataUrl: string, signal: AbortSignal): Promise<CaptionResult> {
    const accessToken = settings.accessToken ?? process.env.HF_TOKEN;
    if (!accessToken && !settings.endpointUrl) {
      throw new ProviderError(
        'No Hugging Face token: set HF_TOKEN or pass accessToken (a token with Inference permission).',
        {
          provider,
          reason: 'authentication',
          isRetryable: false,
        },
      );
    }
    const captured: CapturedHeaders = {};
    const client = new InferenceClient(accessToken);
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text' as const, text: promptFor(request) },
          { type: 'image_url' as const, image_url: { url: dataUrl } },
        ],
      },
    ];
    const route = settings.endpointUrl
      ? { endpointUrl: settings.endpointUrl }
      : { provider: settings.provider ?? 'auto' };
    try {
      const response = await client.chatCompletion(
        { model, ...route, messages, max_tokens: maxTokens },
        { signal, retry_on_error: false, fetch: capturingFetch(settings.fetch ?? fetch, captured) },
      );
      const raw = messageText(response.choices?.[0]?.message?.content);
      const usage = response.usage
        ? { inputTokens: response.usage.prompt_tokens, outputTokens: response.usage.completion_tokens }
        : undefined;
      return finishCaption(provider, raw, request, { model: response.model || model, usage });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw providerErrorFromHf(error, { provider, paid, maxDelayMs: retry.maxRetryDelayMs, captured });
    }
  }

  return {
    specificationVersion: 'v1',
    provider,
    paid,
    async caption(request: CaptionRequest, options: CallOptions = {}): Promise<CaptionResult> {
      throwIfAborted(options.signal);
      const image = sniffImage(request.image);
      const dataUrl = imageDataUrl(request.image, request.contentType ?? image.contentType);
      return withRetries(retry, options.signal, (signal) => attempt(request, dataUrl, signal));
    },
  };
}
