import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A model repository the Hub sandbox knows. */
export interface HubSandboxModel {
  /** e.g. `black-forest-labs/FLUX.1-dev`. */
  id: string;
  /** Gating. @default false */
  gated?: false | 'auto' | 'manual';
  /** Private repositories are visible to `grantedTokens` only. @default false */
  private?: boolean;
  /** Tokens whose account may download it (gated or private). */
  grantedTokens?: string[];
}

/** Options for {@link startHubSandbox}. */
export interface HubSandboxOptions {
  models?: HubSandboxModel[];
  /** Tokens the sandbox accepts; any other bearer token gets 401. */
  tokens?: string[];
}

/**
 * A fault: the next `times` requests whose path starts with `path` get `status`: an HTTP status, `0` for a dropped
 * connection, `-1` for no answer at all (the request hangs until the sandbox closes).
 */
export interface HubSandboxFault {
  path?: string;
  status: number;
  times?: number;
}

/** A running Hugging Face Hub sandbox. */
export interface HubSandbox {
  /** Base URL, e.g. `http://127.0.0.1:41234`; pass it as `hubUrl`. */
  readonly url: string;
  /** Paths requested, with whether a token was sent (never the token itself). */
  readonly requests: Array<{ method: string; path: string; withToken: boolean }>;
  /** Injects a fault. */
  injectFault(fault: HubSandboxFault): void;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, errorCode?: string): true {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-sandbox': 'huggingface-hub' };
  if (errorCode) headers['x-error-code'] = errorCode;
  response.writeHead(status, headers).end(JSON.stringify(body));
  return true;
}

function route(request: IncomingMessage, response: ServerResponse, options: HubSandboxOptions): true {
  const match = /^\/api\/models\/([^/]+\/[^/]+?)(\/auth-check)?$/.exec(
    new URL(request.url ?? '/', 'http://x').pathname,
  );
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (token !== undefined && !(options.tokens ?? []).includes(token)) {
    return send(response, 401, { error: 'Invalid credentials in Authorization header' });
  }
  const model = match ? options.models?.find((m) => m.id === match[1]) : undefined;
  const granted = token !== undefined && (model?.grantedTokens ?? []).includes(token);
  if (!match || !model || (model.private && !granted)) {
    return send(response, token ? 404 : 401, { error: 'Repository not found' }, 'RepoNotFound');
  }
  const gated = model.gated ?? false;
  if (!match[2]) {
    const [author] = model.id.split('/');
    return send(response, 200, {
      _id: `sandbox-${model.id}`,
      id: model.id,
      modelId: model.id,
      author,
      gated,
      private: model.private ?? false,
      disabled: false,
      sha: '0'.repeat(40),
      tags: ['sandbox'],
    });
  }
  if (gated === false || granted) return send(response, 200, {});
  if (!token) {
    return send(
      response,
      401,
      {
        error: `Access to model ${model.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
      },
      'GatedRepo',
    );
  }
  return send(
    response,
    403,
    {
      error: `Access to model ${model.id} is restricted and you are not in the authorized list. Visit https://huggingface.co/${model.id} to ask for access.`,
    },
    'GatedRepo',
  );
}

/**
 * Starts a **sandbox** of the Hugging Face Hub's model API on 127.0.0.1 (for tests of the gated-model pre-flight):
 * `GET /api/models/<repo>` and `GET /api/models/<repo>/auth-check`, with the Hub's status codes (401 without or with
 * a bad token, 403 `GatedRepo` without access, 404 `RepoNotFound`) and injectable faults. Every answer carries
 * `x-sandbox: huggingface-hub`.
 */
export async function startHubSandbox(options: HubSandboxOptions = {}): Promise<HubSandbox> {
  const requests: HubSandbox['requests'] = [];
  const faults: Array<Required<HubSandboxFault>> = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push({ method: request.method ?? 'GET', path, withToken: Boolean(request.headers.authorization) });
    const fault = faults.find((f) => f.times > 0 && path.startsWith(f.path));
    if (fault) {
      fault.times--;
      if (fault.status === 0) request.socket.destroy();
      else if (fault.status > 0) send(response, fault.status, { error: 'sandbox fault' });
      return;
    }
    route(request, response, options);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    injectFault: (fault) => faults.push({ path: fault.path ?? '/', status: fault.status, times: fault.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
