import {
  type CallOptions,
  type Captioner,
  type CaptionRequest,
  type CaptionResult,
  isPrivateUrl,
  ValidationError,
} from '@model-studio/core';
import { base64Slot, jsonWithBase64 } from '../http/json-with-base64.js';
import { postJson } from '../http/post-json.js';
import { type RetrySettings, resolveRetrySettings } from '../http/retry-settings.js';
import { throwIfAborted, withRetries } from '../http/with-retries.js';
import { sniffImage } from '../image/sniff-image.js';
import { promptFor } from './caption-prompts.js';
import { finishCaption, messageText } from './finish-caption.js';

/** Settings of {@link createOpenAiCompatibleCaptioner} and {@link createOllamaCaptioner}. */
export interface OpenAiCompatibleCaptionerSettings extends RetrySettings {
  /**
   * The server's base URL: `http://127.0.0.1:11434` (Ollama), `http://127.0.0.1:8000` (vLLM), `http://127.0.0.1:1234`
   * (LM Studio), a TGI endpoint. For the OpenAI API, `/v1/chat/completions` is appended (`/chat/completions` when it
   * already ends with `/v1`); for Ollama's native API, `/api/chat`.
   */
  baseUrl: string;
  /** The vision model's name on that server, e.g. `qwen2.5vl:7b`, `llava`, `Qwen/Qwen2.5-VL-7B-Instruct`. */
  model: string;
  /** Bearer key, when the server wants one (never logged or put in a message). */
  apiKey?: string;
  /**
   * Whether calls cost money.
   * @default false for a loopback or private-network URL, else true
   */
  paid?: boolean;
  /**
   * Longest caption, in tokens.
   * @default 200
   */
  maxTokens?: number;
  /** The fetch to use (tests, proxies). */
  fetch?: typeof fetch;
}

type Api = 'openai' | 'ollama';

function endpointOf(baseUrl: string, api: Api): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (api === 'ollama') return `${base}/api/chat`;
  return base.endsWith('/v1') ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
}

/** The request body as JSON text, the image's base64 spliced in ({@link jsonWithBase64}: no escaping scan). */
function bodyOf(api: Api, model: string, prompt: string, image: Uint8Array, contentType: string, maxTokens: number) {
  if (api === 'ollama') {
    const body = {
      model,
      stream: false,
      messages: [{ role: 'user', content: prompt, images: [base64Slot] }],
      options: { num_predict: maxTokens },
    };
    return jsonWithBase64(body, '', image);
  }
  const content = [
    { type: 'text', text: prompt },
    { type: 'image_url', image_url: { url: base64Slot } },
  ];
  return jsonWithBase64(
    { model, max_tokens: maxTokens, messages: [{ role: 'user', content }] },
    `data:${contentType};base64,`,
    image,
  );
}

function readAnswer(api: Api, json: unknown): { raw: unknown; model?: string; usage?: CaptionResult['usage'] } {
  // biome-ignore lint/suspicious/noExplicitAny: a response of unknown shape (not validated by these servers), read defensively.
  const body = (json ?? {}) as Record<string, any>;
  if (api === 'ollama') {
    const usage =
      typeof body.prompt_eval_count === 'number' || typeof body.eval_count === 'number'
        ? { inputTokens: body.prompt_eval_count, outputTokens: body.eval_count }
        : undefined;
    return { raw: messageText(body.message?.content), model: body.model, usage };
  }
  const usage = body.usage
    ? { inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens }
    : undefined;
  return { raw: messageText(body.choices?.[0]?.message?.content), model: body.model, usage };
}

function createChatCaptioner(settings: OpenAiCompatibleCaptionerSettings, api: Api): Captioner {
  let url: string;
  try {
    url = new URL(endpointOf(settings.baseUrl, api)).toString();
  } catch {
    throw new ValidationError(`baseUrl is not a URL: pass the server's address, e.g. http://127.0.0.1:11434.`, {
      field: 'baseUrl',
      value: settings.baseUrl,
    });
  }
  if (!settings.model)
    throw new ValidationError('model is required: name the vision model on that server.', { field: 'model' });
  const retry = resolveRetrySettings(settings);
  const paid = settings.paid ?? !isPrivateUrl(settings.baseUrl);
  const provider = api === 'ollama' ? 'ollama' : 'openai-compatible';
  const maxTokens = settings.maxTokens ?? 200;
  const headers: Record<string, string> = settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {};

  return {
    specificationVersion: 'v1',
    provider,
    paid,
    async caption(request: CaptionRequest, options: CallOptions = {}): Promise<CaptionResult> {
      throwIfAborted(options.signal);
      const image = sniffImage(request.image);
      const body = bodyOf(
        api,
        settings.model,
        promptFor(request),
        request.image,
        request.contentType ?? image.contentType,
        maxTokens,
      );
      return withRetries(retry, options.signal, async (signal) => {
        const { json } = await postJson({
          provider,
          url,
          body,
          headers,
          signal,
          paid,
          maxDelayMs: retry.maxRetryDelayMs,
          fetch: settings.fetch,
        });
        const answer = readAnswer(api, json);
        return finishCaption(provider, answer.raw, request, {
          model: answer.model || settings.model,
          usage: answer.usage,
        });
      });
    },
  };
}

/**
 * A {@link Captioner} on any OpenAI-compatible vision endpoint (`POST /v1/chat/completions` with the image as a data
 * URL): Ollama, vLLM, LM Studio, TGI, or a hosted API. Free (`paid: false`) on loopback and private-network URLs, for
 * captioning on your own machine.
 *
 * @example
 * ```ts
 * import { createOpenAiCompatibleCaptioner } from '@model-studio/captioning';
 * import { startCaptionSandbox } from '@model-studio/captioning/testing';
 * import { readFileSync } from 'node:fs';
 *
 * const sandbox = await startCaptionSandbox();
 * const captioner = createOpenAiCompatibleCaptioner({ baseUrl: sandbox.url, model: 'qwen2.5vl:7b' });
 * const result = await captioner.caption({ image: readFileSync('test/fixtures/astronaut.png') });
 * console.log('[sandbox]', captioner.paid, result.text);
 * await sandbox.close();
 * ```
 */
export function createOpenAiCompatibleCaptioner(settings: OpenAiCompatibleCaptionerSettings): Captioner {
  return createChatCaptioner(settings, 'openai');
}

/**
 * A {@link Captioner} on Ollama's native chat API (`POST /api/chat` with the image as raw base64 in `images`).
 *
 * @example
 * ```ts
 * import { createOllamaCaptioner } from '@model-studio/captioning';
 * import { startCaptionSandbox } from '@model-studio/captioning/testing';
 * import { readFileSync } from 'node:fs';
 *
 * const sandbox = await startCaptionSandbox();
 * const captioner = createOllamaCaptioner({ baseUrl: sandbox.url, model: 'llava' });
 * const result = await captioner.caption({
 *   image: readFileSync('test/fixtures/grace_hopper.jpg'),
 *   subject: { trigger: 'grace', classWord: 'woman', style: 'natural' },
 * });
 * console.log('[sandbox]', result.text);
 * await sandbox.close();
 * ```
 */
export function createOllamaCaptioner(settings: OpenAiCompatibleCaptionerSettings): Captioner {
  return createChatCaptioner(settings, 'ollama');
}
