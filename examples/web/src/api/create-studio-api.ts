import { ApiProblem, type ProblemBody } from './api-problem.js';
import type { JobEvent, StudioApi } from './studio-api.js';

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** Settings of {@link createStudioApi}. */
export interface StudioApiOptions {
  /** The server's origin, e.g. `http://127.0.0.1:3000` (the page's own origin when served by `studio-server`). */
  baseUrl: string;
  /** An API key (`msk_...`): sent as `Authorization: Bearer`, and as a WebSocket subprotocol for live events. */
  apiKey: string;
}

/** The dashboard's API over the server's public routes. */
export function createStudioApi(options: StudioApiOptions): StudioApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${options.apiKey}` } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw new ApiProblem(response.status, parsed as ProblemBody | undefined);
    return parsed as T;
  }
  const model = (name: string) => `/v1/models/${encodeURIComponent(name)}`;
  const files = (list: File[], fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [field, value] of Object.entries(fields)) form.append(field, value);
    for (const file of list) form.append('files', file, file.name);
    return form;
  };
  return {
    baseUrl,
    me: () => call('GET', '/v1/me'),
    health: () => call('GET', '/v1/health'),
    listModels: async () => (await call<{ models: never[] }>('GET', '/v1/models')).models,
    createModel: async (name) => {
      await call('POST', '/v1/models', { name });
    },
    getModel: (name) => call('GET', model(name)),
    getConsent: (name) => call('GET', `${model(name)}/consent`),
    putConsent: async (name, consent) => {
      await call('PUT', `${model(name)}/consent`, consent);
    },
    listSources: async (name) => (await call<{ sources: never[] }>('GET', `${model(name)}/sources`)).sources,
    listTargets: async (name) => (await call<{ targets: never[] }>('GET', `${model(name)}/targets`)).targets,
    uploadSources: async (name, list) =>
      (await call<{ files: never[] }>('POST', `${model(name)}/sources`, files(list))).files,
    uploadTargets: async (name, rating, list) =>
      (await call<{ files: never[] }>('POST', `${model(name)}/targets`, files(list, { rating }))).files,
    estimate: (name, body) => call('POST', `${model(name)}/estimate`, body),
    startRun: (name, body) => call('POST', `${model(name)}/runs`, body),
    resumeModel: (name) => call('POST', `${model(name)}/resume`, {}),
    getJob: (id) => call('GET', `/v1/jobs/${encodeURIComponent(id)}`),
    cancelJob: (id) => call('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`),
    listJobs: async (name) => (await call<{ jobs: never[] }>('GET', `/v1/jobs?model=${encodeURIComponent(name)}`)).jobs,
    listResults: async (name) => (await call<{ results: never[] }>('GET', `${model(name)}/results`)).results,
    openJobEvents(id, onEvent, onClose) {
      const url = new URL(`${baseUrl}/v1/jobs/${encodeURIComponent(id)}/events`);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const socket = new WebSocket(url, ['studio-events', `studio-key.${options.apiKey}`]);
      socket.onmessage = (message) => onEvent(JSON.parse(String(message.data)) as JobEvent);
      socket.onclose = (event) => onClose(event.code);
      return () => socket.close(1000, 'left the page');
    },
  };
}
