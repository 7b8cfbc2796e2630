import { type Captioner, ProviderError, ValidationError } from '@model-studio/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCaption,
  createHfImageToTextCaptioner,
  createHfVlmCaptioner,
  createOllamaCaptioner,
  createOpenAiCompatibleCaptioner,
} from '../src/index.js';
import { type CaptionSandbox, startCaptionSandbox } from '../src/testing/index.js';
import { andie, astronaut, coffee, graceHopper, notAnImage } from './fixtures.js';

let sandbox: CaptionSandbox;
beforeAll(async () => {
  sandbox = await startCaptionSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  sandbox.clearFaults();
  // Let requests a client gave up on (abort tests) finish on the server, so they are billed before the next test.
  while (sandbox.requests().some((request) => !request.finished)) await new Promise((r) => setTimeout(r, 20));
});

const fast = { minRetryDelayMs: 5, maxRetryDelayMs: 2_000 };

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const kinds: Array<[string, () => Captioner]> = [
  [
    'HF VLM (router chat completion)',
    () => createHfVlmCaptioner({ endpointUrl: sandbox.url, accessToken: sandbox.accessToken, ...fast }),
  ],
  [
    'HF image-to-text (object shape)',
    () => createHfImageToTextCaptioner({ endpointUrl: `${sandbox.url}/endpoints/blip`, ...fast }),
  ],
  [
    'HF image-to-text (array shape)',
    () => createHfImageToTextCaptioner({ endpointUrl: `${sandbox.url}/endpoints/blip-pipeline`, ...fast }),
  ],
  [
    'OpenAI-compatible',
    () => createOpenAiCompatibleCaptioner({ baseUrl: sandbox.url, model: 'qwen2.5vl:7b', ...fast }),
  ],
  ['Ollama native', () => createOllamaCaptioner({ baseUrl: sandbox.url, model: 'llava', ...fast })],
];

describe.each(kinds)('%s against the sandbox', (_name, make) => {
  it('captions the image that was sent (size, orientation, colour arrive intact)', async () => {
    const captioner = make();
    const portrait = await captioner.caption({ image: graceHopper });
    expect(portrait.raw).toContain('square 512x512 frame');
    const landscape = await captioner.caption({ image: coffee });
    expect(landscape.raw).toContain('landscape 600x400 frame');
    expect(landscape.raw).not.toBe(portrait.raw);
  });

  it('returns the finished caption for a subject, raw kept, model named', async () => {
    const result = await make().caption({ image: astronaut, subject: andie });
    expect(result.text.startsWith('a photo of andie, woman, ')).toBe(true);
    expect(checkCaption(result.text, andie).valid).toBe(true);
    expect(result.raw).toMatch(/^a person in a /);
    expect(result.model?.length).toBeGreaterThan(0);
  });

  it('retries a 429 after its Retry-After, and is billed once', async () => {
    const before = sandbox.paidCalls();
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'rate-limit', retryAfterSeconds: 0.3 });
    const result = await make().caption({ image: graceHopper });
    expect(result.text.length).toBeGreaterThan(0);
    const [limited, retried] = sandbox.requests().slice(start);
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(300);
    expect(sandbox.paidCalls() - before).toBe(1);
  });

  it('waits out a loading model (503 with estimated_time), then succeeds', async () => {
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'model-loading', estimatedTime: 0.05 });
    await make().caption({ image: graceHopper });
    expect(
      sandbox
        .requests()
        .slice(start)
        .map((r) => r.status),
    ).toEqual([503, 200]);
  });

  it('retries 5xx and gives up with a typed, retryable server error after the retries', async () => {
    sandbox.addFault({ kind: 'server-error', status: 502, times: 10 });
    const captioner = make();
    const error = await caught(captioner.caption({ image: graceHopper }));
    expect(ProviderError.isInstance(error)).toBe(true);
    const providerError = error as ProviderError;
    expect(providerError.reason).toBe('server');
    expect(providerError.status).toBe(502);
    expect(providerError.isRetryable).toBe(true);
    expect(providerError.requestId).toMatch(/^sandbox-/);
    expect(providerError.message).toContain('HTTP 502');
  });

  it('retries an empty caption', async () => {
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'empty-caption' });
    const result = await make().caption({ image: graceHopper, subject: andie });
    expect(checkCaption(result.text, andie).valid).toBe(true);
    expect(sandbox.requests().length - start).toBe(2);
  });

  it('cleans BLIP artifacts out of the caption', async () => {
    sandbox.addFault({ kind: 'blip-artifacts' });
    const result = await make().caption({ image: graceHopper, subject: andie });
    expect(result.raw).toContain('arafed');
    expect(result.text).not.toMatch(/araf|there is|' s/);
    expect(checkCaption(result.text, andie).valid).toBe(true);
  });

  it('treats malformed JSON as an invalid response, retried', async () => {
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'malformed-json' });
    await make().caption({ image: graceHopper });
    expect(
      sandbox
        .requests()
        .slice(start)
        .map((r) => r.fault ?? 'none'),
    ).toEqual(['malformed-json', 'none']);
  });

  it('stops waiting when the signal fires mid-call, with the signal reason', async () => {
    sandbox.addFault({ kind: 'latency', ms: 500 });
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    setTimeout(() => controller.abort(reason), 50);
    expect(await caught(make().caption({ image: graceHopper }, { signal: controller.signal }))).toBe(reason);
  });

  it('refuses a non-image before sending anything', async () => {
    const start = sandbox.requests().length;
    const error = await caught(make().caption({ image: notAnImage }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('not a JPEG, PNG or WebP');
    expect(sandbox.requests().length).toBe(start);
  });
});

describe('a dropped connection', () => {
  it('is uncertain and not retried on a paid endpoint (it may have been charged)', async () => {
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'drop-connection' });
    const captioner = createOpenAiCompatibleCaptioner({ baseUrl: sandbox.url, model: 'm', paid: true, ...fast });
    const error = await caught(captioner.caption({ image: graceHopper }));
    expect(ProviderError.isInstance(error) && error.reason).toBe('uncertain');
    expect((error as ProviderError).isRetryable).toBe(false);
    expect(sandbox.requests().length - start).toBe(1);
  });

  it('is a retryable network error on a free local endpoint', async () => {
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'drop-connection' });
    const captioner = createOllamaCaptioner({ baseUrl: sandbox.url, model: 'llava', ...fast });
    expect(captioner.paid).toBe(false);
    await captioner.caption({ image: graceHopper });
    expect(sandbox.requests().length - start).toBe(2);
  });

  it('is uncertain for the Hugging Face VLM (paid)', async () => {
    sandbox.addFault({ kind: 'drop-connection' });
    const captioner = createHfVlmCaptioner({ endpointUrl: sandbox.url, ...fast });
    const error = await caught(captioner.caption({ image: graceHopper }));
    expect(ProviderError.isInstance(error) && error.reason).toBe('uncertain');
  });
});

describe('Hugging Face VLM specifics', () => {
  it('by default goes through the Hugging Face router (its URL redirected to the sandbox here)', async () => {
    const toSandbox: typeof fetch = (input, init) =>
      fetch(
        String(input instanceof Request ? input.url : input).replace('https://router.huggingface.co', sandbox.url),
        init,
      );
    const start = sandbox.requests().length;
    const captioner = createHfVlmCaptioner({ accessToken: sandbox.accessToken, fetch: toSandbox });
    const result = await captioner.caption({ image: graceHopper, subject: andie });
    const [request] = sandbox.requests().slice(start);
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.image).toEqual({ width: 512, height: 512 });
    expect(result.model).toBe('sandbox/Qwen/Qwen2.5-VL-7B-Instruct');
    expect(checkCaption(result.text, andie).valid).toBe(true);
  });

  it('reports token usage and a sandbox-labelled model', async () => {
    const result = await createHfVlmCaptioner({ endpointUrl: sandbox.url }).caption({ image: graceHopper });
    expect(result.model).toBe('sandbox/Qwen/Qwen2.5-VL-7B-Instruct');
    expect(result.usage?.inputTokens).toBeGreaterThan(300);
    expect(result.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('maps a refused token to an authentication error that never contains the token', async () => {
    const secret = 'hf_supersecret_token_value';
    const captioner = createHfVlmCaptioner({ endpointUrl: sandbox.url, accessToken: secret, ...fast });
    const error = await caught(captioner.caption({ image: graceHopper }));
    expect(ProviderError.isInstance(error) && error.reason).toBe('authentication');
    expect((error as ProviderError).status).toBe(401);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(secret);
    expect(String((error as Error).stack)).not.toContain(secret);
  });

  it('asks for a token when none is set and no endpoint is given', async () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      const error = await caught(createHfVlmCaptioner().caption({ image: graceHopper }));
      expect(ProviderError.isInstance(error) && error.reason).toBe('authentication');
      expect((error as Error).message).toContain('HF_TOKEN');
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });

  it('is paid; local OpenAI-compatible and Ollama endpoints are free; remote ones paid', () => {
    expect(createHfVlmCaptioner({ endpointUrl: sandbox.url }).paid).toBe(true);
    expect(createOpenAiCompatibleCaptioner({ baseUrl: 'http://192.168.1.20:8000', model: 'm' }).paid).toBe(false);
    expect(createOpenAiCompatibleCaptioner({ baseUrl: 'https://api.example.com/v1', model: 'm' }).paid).toBe(true);
    expect(createOpenAiCompatibleCaptioner({ baseUrl: 'https://api.example.com', model: 'm', paid: false }).paid).toBe(
      false,
    );
  });

  it('refuses a bad base URL or a missing model with a ValidationError', () => {
    expect(() => createOpenAiCompatibleCaptioner({ baseUrl: 'not a url', model: 'm' })).toThrow(ValidationError);
    expect(() => createOllamaCaptioner({ baseUrl: sandbox.url, model: '' })).toThrow(/model is required/);
  });
});
