import { type CallOptions, ValidationError } from '@model-studio/core';

/** Options for {@link checkHubModelAccess}. */
export interface CheckHubModelAccessOptions extends CallOptions {
  /** The model repository, e.g. `black-forest-labs/FLUX.1-dev`. */
  model: string;
  /** The user's Hugging Face token (read access). Never logged or put in messages. */
  token?: string | undefined;
  /** Hub base URL (the sandbox's for tests). @default 'https://huggingface.co' */
  hubUrl?: string;
  /** Fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Time allowed per Hub call before the Hub counts as unreachable, in ms. @default 15000 */
  timeoutMs?: number;
}

/** Whether the token can download the model, and why not. */
export type HubModelAccessStatus = 'ok' | 'gated-no-access' | 'unauthorized' | 'not-found' | 'unreachable';

/** The answer of {@link checkHubModelAccess}. */
export interface HubModelAccess {
  status: HubModelAccessStatus;
  /** The repository's gating (`false`, `auto` or `manual`), when the Hub said. */
  gated?: false | 'auto' | 'manual';
  /** HTTP status of the failing call, if any. */
  httpStatus?: number;
  /** What is wrong and what to do, in words (never holds the token). */
  message: string;
}

const repoPattern = /^[\w][\w.-]{0,95}\/[\w][\w.-]{0,95}$/;

async function call(url: string, options: CheckHubModelAccessOptions): Promise<Response | undefined> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await (options.fetch ?? fetch)(url, { headers, signal });
    // Read the body under the same deadline, so a Hub that stalls mid-answer counts as unreachable too.
    const body = await response.arrayBuffer();
    return new Response(body, { status: response.status, headers: response.headers });
  } catch {
    options.signal?.throwIfAborted();
    return undefined;
  }
}

function failure(model: string, response: Response | undefined, hasToken: boolean): HubModelAccess {
  if (!response)
    return {
      status: 'unreachable',
      message: `The Hugging Face Hub could not be reached to check ${model}: check the network.`,
    };
  if (response.status === 404 || (response.status === 401 && !hasToken)) {
    return {
      status: 'not-found',
      httpStatus: response.status,
      message: `Model ${model} was not found on the Hub${hasToken ? '' : ' (or it is private and no HF token was given)'}: check the name or set HF_TOKEN.`,
    };
  }
  if (response.status === 401) {
    return {
      status: 'unauthorized',
      httpStatus: 401,
      message: 'The Hugging Face token was refused: create a new read token and set HF_TOKEN.',
    };
  }
  return {
    status: 'unreachable',
    httpStatus: response.status,
    message: `The Hub answered HTTP ${response.status} for ${model}: try again later.`,
  };
}

/**
 * Checks, with the user's token, that the base model can be downloaded, before a GPU is rented: `GET /api/models/<repo>`
 * (exists, gated or not), then for a gated repository (FLUX.1-dev) `GET /api/models/<repo>/auth-check`, which answers
 * 200 when the token's account was granted access, 403 when it was not (accept the licence on the model page) and 401
 * without a valid token. Network failures and calls slower than `timeoutMs` give `unreachable`; it never throws for an access problem.
 *
 * @throws ValidationError for a malformed repository name; the signal's reason when aborted.
 */
export async function checkHubModelAccess(options: CheckHubModelAccessOptions): Promise<HubModelAccess> {
  const { model } = options;
  if (!repoPattern.test(model) || model.includes('..')) {
    throw new ValidationError(`"${model}" is not a Hub repository name like "black-forest-labs/FLUX.1-dev".`, {
      field: 'model',
      value: model,
    });
  }
  const hubUrl = (options.hubUrl ?? 'https://huggingface.co').replace(/\/+$/, '');
  const hasToken = Boolean(options.token);
  const info = await call(`${hubUrl}/api/models/${model}`, options);
  if (!info?.ok) return failure(model, info, hasToken);
  const body = (await info.json().catch(() => ({}))) as { gated?: unknown };
  const gated = body.gated === 'auto' || body.gated === 'manual' ? body.gated : false;
  if (gated === false) return { status: 'ok', gated, message: `Model ${model} is public.` };
  if (!hasToken) {
    return {
      status: 'gated-no-access',
      gated,
      message: `Model ${model} is gated: set HF_TOKEN to a token of an account that accepted its licence at ${hubUrl}/${model}.`,
    };
  }
  const check = await call(`${hubUrl}/api/models/${model}/auth-check`, options);
  if (check?.ok) return { status: 'ok', gated, message: `The token has access to the gated model ${model}.` };
  if (check?.status === 403) {
    return {
      status: 'gated-no-access',
      gated,
      httpStatus: 403,
      message: `The token's account has no access to the gated model ${model}: accept its licence at ${hubUrl}/${model}, then retry.`,
    };
  }
  return { ...failure(model, check, hasToken), gated };
}
