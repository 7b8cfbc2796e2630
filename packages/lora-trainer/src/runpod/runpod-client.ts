import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/runpod-api.js';
import { type RetryPolicy, retryingFetch } from './retrying-fetch.js';
import { runpodError, runpodNetworkError } from './runpod-error.js';
import type { RunpodCreatePodRequest, RunpodGpuType, RunpodPod, RunpodPodBillingRecord } from './runpod-types.js';

/** Settings of {@link RunpodClient}. */
export interface RunpodClientSettings {
  /**
   * RunPod API key, sent as `Authorization: Bearer <key>`; read from `RUNPOD_API_KEY` when a request is made if omitted.
   * Never logged nor put in error messages.
   */
  apiKey?: string;
  /**
   * Base URL of the REST API (the RunPod sandbox's URL in tests).
   * @default 'https://api.runpod.io'
   */
  baseUrl?: string;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Retries on 429/5xx. */
  retry?: RetryPolicy;
}

type Call = { signal?: AbortSignal };

/**
 * A typed client for the RunPod REST v2 endpoints the pod runner needs. Types are generated from RunPod's OpenAPI
 * document (`pnpm --filter @model-studio/lora-trainer generate:runpod`); requests go through openapi-fetch, with
 * retries on 429 (honouring `Retry-After`) and, for idempotent requests, on 5xx. Errors are `ProviderError`
 * (`NotFoundError` for a missing pod).
 *
 * @example
 * ```ts no-run
 * const client = new RunpodClient({ apiKey: process.env.RUNPOD_API_KEY });
 * const gpus = await client.listGpuTypes();
 * ```
 */
export class RunpodClient {
  readonly baseUrl: string;
  readonly #api: Client<paths>;

  constructor(settings: RunpodClientSettings = {}) {
    this.baseUrl = (settings.baseUrl ?? 'https://api.runpod.io').replace(/\/$/, '');
    const base = settings.fetch ?? globalThis.fetch;
    const apiKey = settings.apiKey;
    this.#api = createClient<paths>({ baseUrl: this.baseUrl, fetch: retryingFetch(base, settings.retry) });
    this.#api.use({
      onRequest({ request }) {
        const key = apiKey ?? process.env.RUNPOD_API_KEY;
        if (key) request.headers.set('authorization', `Bearer ${key}`);
        return request;
      },
    });
  }

  /** GPU types with prices per cloud and current pod availability (`include=AVAILABILITY&product=POD`). */
  async listGpuTypes(
    options: Call & { cloud?: 'SECURE' | 'COMMUNITY'; count?: number } = {},
  ): Promise<RunpodGpuType[]> {
    const result = await this.#send('list GPU types', () =>
      this.#api.GET('/v2/catalog/gpus', {
        params: { query: { include: ['AVAILABILITY'], product: ['POD'], count: options.count, cloud: options.cloud } },
        signal: options.signal,
      }),
    );
    return result.gpus;
  }

  /** Creates a pod (`POST /v2/pods`). Not retried on 5xx: look the pod up by name first (see {@link findPodByName}). */
  async createPod(body: RunpodCreatePodRequest, options: Call = {}): Promise<RunpodPod> {
    return this.#send(
      'create pod',
      () => this.#api.POST('/v2/pods', { body, signal: options.signal }),
      undefined,
      true,
    );
  }

  /** One pod by id; throws `NotFoundError` when RunPod does not know it (terminated long ago, or never existed). */
  async getPod(id: string, options: Call = {}): Promise<RunpodPod> {
    return this.#send(
      'get pod',
      () => this.#api.GET('/v2/pods/{id}', { params: { path: { id } }, signal: options.signal }),
      { kind: 'pod', name: id },
    );
  }

  /** Every pod of the account. */
  async listPods(options: Call = {}): Promise<RunpodPod[]> {
    const result = await this.#send('list pods', () => this.#api.GET('/v2/pods', { signal: options.signal }));
    return result.pods;
  }

  /** The pod named exactly `name`, if any (names carry our run id, so this makes create idempotent). */
  async findPodByName(name: string, options: Call = {}): Promise<RunpodPod | undefined> {
    return (await this.listPods(options)).find((pod) => pod.name === name && pod.status !== 'TERMINATED');
  }

  /** Terminates (deletes) a pod. Returns false when it was already gone. Retried on 5xx: terminating is idempotent. */
  async terminatePod(id: string, options: Call = {}): Promise<boolean> {
    const { error, response } = await this.#call('terminate pod', () =>
      this.#api.DELETE('/v2/pods/{id}', { params: { path: { id } }, signal: options.signal }),
    );
    if (response.status === 404) return false;
    if (!response.ok) throw runpodError('terminate pod', response, error, { kind: 'pod', name: id });
    return true;
  }

  /** Billing records of one pod, by hour buckets over the last `lastHours` hours. */
  async podBilling(podId: string, options: Call & { lastHours?: number } = {}): Promise<RunpodPodBillingRecord[]> {
    const result = await this.#send('read pod billing', () =>
      this.#api.GET('/v2/billing/pods', {
        params: { query: { podId, bucketSize: 'hour', lastN: options.lastHours ?? 48 } },
        signal: options.signal,
      }),
    );
    return result.records;
  }

  /** Console and system log lines of a pod (the SSE stream, read until the server closes it). */
  async podLogs(
    id: string,
    options: Call & { tail?: number } = {},
  ): Promise<{ ts: string; source: string; line: string }[]> {
    const { data, error, response } = await this.#call('read pod logs', () =>
      this.#api.GET('/v2/pods/{id}/logs', {
        params: { path: { id }, query: { tail: options.tail ?? 200 } },
        parseAs: 'text',
        signal: options.signal,
      }),
    );
    if (!response.ok) throw runpodError('read pod logs', response, error, { kind: 'pod', name: id });
    return parseLogEvents(String(data ?? ''));
  }

  async #call<T>(operation: string, send: () => Promise<T>, uncertain = false): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw error;
      if (typeof DOMException !== 'undefined' && error instanceof DOMException) throw error;
      throw runpodNetworkError(operation, error, uncertain);
    }
  }

  async #send<T>(
    operation: string,
    send: () => Promise<{ data?: T; error?: unknown; response: Response }>,
    resource?: { kind: string; name: string },
    uncertain = false,
  ): Promise<T> {
    const { data, error, response } = await this.#call(operation, send, uncertain);
    if (!response.ok || data === undefined) throw runpodError(operation, response, error, resource);
    return data;
  }
}

/** Parses `text/event-stream` log events: `data: {"ts","source","line"}` lines. */
export function parseLogEvents(text: string): { ts: string; source: string; line: string }[] {
  const lines: { ts: string; source: string; line: string }[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('data:')) continue;
    try {
      const event = JSON.parse(raw.slice(5).trim()) as { ts?: string; source?: string; line?: string };
      if (typeof event.line === 'string')
        lines.push({ ts: event.ts ?? '', source: event.source ?? 'container', line: event.line });
    } catch {
      // A torn event at the end of the stream: skip it.
    }
  }
  return lines;
}
