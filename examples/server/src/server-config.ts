import { resolve } from 'node:path';

/**
 * The `S3_*` variables as set (the CLI's: `S3_BUCKET`, `S3_PREFIX`, `S3_REGION`, `S3_ENDPOINT`, `S3_ACCESS_KEY_ID`,
 * `S3_SECRET_ACCESS_KEY`, `S3_SESSION_TOKEN`, `S3_FORCE_PATH_STYLE`, `S3_PUBLIC_URLS`). The studio wiring turns them
 * into the storage with `@model-studio/storage-s3`'s `s3StorageOptionsFromEnv`, which refuses half-set settings (an
 * endpoint without a bucket, a key id without its secret) with a `ValidationError` when the server starts.
 */
export type ServerS3Settings = Readonly<Record<string, string>>;

/** Which captioner jobs use (the CLI's `CAPTIONER`, `HF_*`, `CAPTIONER_*` variables). */
export interface ServerCaptionerSettings {
  kind?: string;
  hfToken?: string;
  hfEndpointUrl?: string;
  baseUrl?: string;
  model?: string;
  apiKey?: string;
}

/** How job ends are delivered to webhooks (Standard Webhooks, retried with exponential backoff and jitter). */
export interface ServerWebhookSettings {
  /** `STUDIO_WEBHOOK_ATTEMPTS`: deliveries tried per webhook and job end, the first included. @default 6 */
  attempts: number;
  /** `STUDIO_WEBHOOK_RETRY_MS`: the wait before the first retry, doubled after each. @default 1000 */
  retryDelayMs: number;
  /** `STUDIO_WEBHOOK_MAX_RETRY_MS`: the longest wait between two attempts. @default 60000 */
  maxRetryDelayMs: number;
  /** `STUDIO_WEBHOOK_TIMEOUT_MS`: how long one attempt waits for the receiver's answer. @default 10000 */
  timeoutMs: number;
}

/**
 * How soon another worker takes over the job of a worker that died (BullMQ on Redis only; the embedded queue runs in
 * one process). Unset values keep `@model-studio/jobs`' defaults.
 */
export interface ServerJobTakeoverSettings {
  /** `STUDIO_JOB_LOCK_MS`: how long a worker's hold on a running job lasts without renewal. @default 30000 */
  lockMs?: number;
  /** `STUDIO_JOB_STALLED_MS`: how often workers look for jobs whose worker died. @default 30000 */
  stalledMs?: number;
}

/** Per-API-key rate limit. */
export interface ServerRateLimit {
  /** Requests per window and key. @default 1000 */
  max: number;
  /** Window length in milliseconds. @default 60000 */
  timeWindowMs: number;
}

/** Everything the server reads from its environment and flags (flags override the environment). */
export interface ServerConfig {
  /** Absolute workspace folder (`STUDIO_WORKSPACE`). @default `./studio-server-workspace` */
  workspace: string;
  /** `HOST`. @default `127.0.0.1` */
  host: string;
  /** `PORT`; 0 picks a free port. @default 3000 */
  port: number;
  /** `REDIS_URL`: set, jobs go to BullMQ on Redis (scale-out); unset, the embedded queue in `<workspace>/.jobs`. */
  redisUrl?: string;
  /** Run a job worker in this process. @default true in embedded mode, false with Redis (use `studio-server worker`) */
  worker: boolean;
  /** `MAXSTUDIO_API_KEY`. Never printed. */
  maxStudioApiKey?: string;
  /** `MAXSTUDIO_BASE_URL` (a loopback URL is a sandbox). */
  maxStudioBaseUrl?: string;
  /** The `S3_*` variables, when `S3_BUCKET`, `S3_ENDPOINT` or `S3_PREFIX` is set (see {@link ServerS3Settings}). */
  s3?: ServerS3Settings;
  captioner: ServerCaptionerSettings;
  /** `RUNPOD_API_KEY`. Never printed. */
  runpodApiKey?: string;
  /** `RUNPOD_BASE_URL`. */
  runpodBaseUrl?: string;
  /** `STUDIO_RATE_LIMIT_MAX` / `STUDIO_RATE_LIMIT_WINDOW_MS`. */
  rateLimit: ServerRateLimit;
  /** `STUDIO_UPLOAD_MAX_BYTES`: the largest uploaded file (the import then scales it to the model's limit). @default 20 MB */
  uploadMaxBytes: number;
  /** `STUDIO_UPLOAD_MAX_TOTAL_BYTES`: the most one upload request may carry. @default 200 MB */
  uploadMaxTotalBytes: number;
  /**
   * `STUDIO_SIGNED_URL_PORT`: the port of the workspace's signed-URL server (LocalStorage downloads). Set it to keep
   * links (and a RunPod sandbox pod's URLs) valid across restarts; 0 picks a free port each start. @default 0
   */
  signedUrlPort: number;
  /** `LOG_LEVEL` (pino). @default `info` */
  logLevel: string;
  /** `STUDIO_BUDGET`: stop runs before their spend exceeds this many credits. */
  budget?: number;
  /** `STUDIO_CONCURRENCY`: units in flight per run. */
  concurrency?: number;
  /** Webhook deliveries (`STUDIO_WEBHOOK_*`). */
  webhooks: ServerWebhookSettings;
  /** Job takeover after a worker dies (`STUDIO_JOB_LOCK_MS`, `STUDIO_JOB_STALLED_MS`; Redis only). */
  jobTakeover: ServerJobTakeoverSettings;
  /** Secret values (provider keys), scrubbed from every log line and message. */
  secrets: string[];
}

/** Flags of `studio-server start` (each overrides its variable). */
export interface ServerConfigOverrides {
  workspace?: string;
  host?: string;
  port?: number;
  redisUrl?: string;
  worker?: boolean;
  logLevel?: string;
  /** Webhook delivery settings (each overrides its `STUDIO_WEBHOOK_*` variable). */
  webhooks?: Partial<ServerWebhookSettings>;
  /** Job takeover settings (each overrides `STUDIO_JOB_LOCK_MS` / `STUDIO_JOB_STALLED_MS`). */
  jobTakeover?: ServerJobTakeoverSettings;
}

const secretVariables = [
  'MAXSTUDIO_API_KEY',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_SESSION_TOKEN',
  'HF_TOKEN',
  'CAPTIONER_API_KEY',
  'RUNPOD_API_KEY',
] as const;

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`${name} must be a number >= 0 (got "${value}").`);
  }
  return parsed;
}

/** A whole number of at least `min`, or undefined when unset. */
function wholeNumber(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new Error(`${name} must be a whole number >= ${min} (got "${value}").`);
  }
  return parsed;
}

function readWebhooks(
  get: (name: string) => string | undefined,
  overrides: Partial<ServerWebhookSettings> = {},
): ServerWebhookSettings {
  return {
    attempts: overrides.attempts ?? wholeNumber('STUDIO_WEBHOOK_ATTEMPTS', get('STUDIO_WEBHOOK_ATTEMPTS'), 1) ?? 6,
    retryDelayMs:
      overrides.retryDelayMs ?? wholeNumber('STUDIO_WEBHOOK_RETRY_MS', get('STUDIO_WEBHOOK_RETRY_MS'), 0) ?? 1000,
    maxRetryDelayMs:
      overrides.maxRetryDelayMs ??
      wholeNumber('STUDIO_WEBHOOK_MAX_RETRY_MS', get('STUDIO_WEBHOOK_MAX_RETRY_MS'), 0) ??
      60_000,
    timeoutMs:
      overrides.timeoutMs ?? wholeNumber('STUDIO_WEBHOOK_TIMEOUT_MS', get('STUDIO_WEBHOOK_TIMEOUT_MS'), 1) ?? 10_000,
  };
}

function readJobTakeover(
  get: (name: string) => string | undefined,
  overrides: ServerJobTakeoverSettings = {},
): ServerJobTakeoverSettings {
  const takeover: ServerJobTakeoverSettings = {};
  const lockMs = overrides.lockMs ?? wholeNumber('STUDIO_JOB_LOCK_MS', get('STUDIO_JOB_LOCK_MS'), 1);
  if (lockMs !== undefined) takeover.lockMs = lockMs;
  const stalledMs = overrides.stalledMs ?? wholeNumber('STUDIO_JOB_STALLED_MS', get('STUDIO_JOB_STALLED_MS'), 1);
  if (stalledMs !== undefined) takeover.stalledMs = stalledMs;
  return takeover;
}

const s3Variables = [
  'S3_BUCKET',
  'S3_PREFIX',
  'S3_REGION',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_SESSION_TOKEN',
  'S3_FORCE_PATH_STYLE',
  'S3_PUBLIC_URLS',
] as const;

/** The `S3_*` variables as set, when one that configures S3 (or is a mistake without a bucket) is. */
function readS3(get: (name: string) => string | undefined): ServerS3Settings | undefined {
  if (!['S3_BUCKET', 'S3_ENDPOINT', 'S3_PREFIX'].some((name) => get(name) !== undefined)) return undefined;
  const s3: Record<string, string> = {};
  for (const name of s3Variables) {
    const value = get(name);
    if (value !== undefined) s3[name] = value;
  }
  return s3;
}

function readCaptioner(get: (name: string) => string | undefined): ServerCaptionerSettings {
  const captioner: ServerCaptionerSettings = {};
  const fields = [
    ['kind', 'CAPTIONER'],
    ['hfToken', 'HF_TOKEN'],
    ['hfEndpointUrl', 'HF_ENDPOINT_URL'],
    ['baseUrl', 'CAPTIONER_BASE_URL'],
    ['model', 'CAPTIONER_MODEL'],
    ['apiKey', 'CAPTIONER_API_KEY'],
  ] as const;
  for (const [field, name] of fields) {
    const value = get(name);
    if (value) captioner[field] = value;
  }
  return captioner;
}

/**
 * Reads the server's configuration from `env` (the same variables the CLI reads, plus `HOST`, `PORT`, `REDIS_URL`,
 * `LOG_LEVEL`, `STUDIO_RATE_LIMIT_MAX`, `STUDIO_RATE_LIMIT_WINDOW_MS`, `STUDIO_BUDGET`, `STUDIO_CONCURRENCY`,
 * `STUDIO_WEBHOOK_*`, `STUDIO_JOB_LOCK_MS`, `STUDIO_JOB_STALLED_MS`, ...); `overrides` (the command's flags) win. A
 * malformed number throws an error that names its variable.
 *
 * @example
 * ```ts no-run
 * const config = loadServerConfig(process.env, { port: 0 });
 * ```
 */
export function loadServerConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: ServerConfigOverrides = {},
): ServerConfig {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const redisUrl = overrides.redisUrl ?? get('REDIS_URL');
  const config: ServerConfig = {
    workspace: resolve(overrides.workspace ?? get('STUDIO_WORKSPACE') ?? './studio-server-workspace'),
    host: overrides.host ?? get('HOST') ?? '127.0.0.1',
    port: overrides.port ?? positiveNumber('PORT', get('PORT')) ?? 3000,
    worker: overrides.worker ?? redisUrl === undefined,
    captioner: readCaptioner(get),
    rateLimit: {
      max: positiveNumber('STUDIO_RATE_LIMIT_MAX', get('STUDIO_RATE_LIMIT_MAX')) ?? 1000,
      timeWindowMs: positiveNumber('STUDIO_RATE_LIMIT_WINDOW_MS', get('STUDIO_RATE_LIMIT_WINDOW_MS')) ?? 60_000,
    },
    uploadMaxBytes: positiveNumber('STUDIO_UPLOAD_MAX_BYTES', get('STUDIO_UPLOAD_MAX_BYTES')) ?? 20 * 1024 * 1024,
    uploadMaxTotalBytes:
      positiveNumber('STUDIO_UPLOAD_MAX_TOTAL_BYTES', get('STUDIO_UPLOAD_MAX_TOTAL_BYTES')) ?? 200 * 1024 * 1024,
    signedUrlPort: positiveNumber('STUDIO_SIGNED_URL_PORT', get('STUDIO_SIGNED_URL_PORT')) ?? 0,
    logLevel: overrides.logLevel ?? get('LOG_LEVEL') ?? 'info',
    webhooks: readWebhooks(get, overrides.webhooks),
    jobTakeover: readJobTakeover(get, overrides.jobTakeover),
    secrets: [],
  };
  if (redisUrl) config.redisUrl = redisUrl;
  const optional = [
    ['maxStudioApiKey', 'MAXSTUDIO_API_KEY'],
    ['maxStudioBaseUrl', 'MAXSTUDIO_BASE_URL'],
    ['runpodApiKey', 'RUNPOD_API_KEY'],
    ['runpodBaseUrl', 'RUNPOD_BASE_URL'],
  ] as const;
  for (const [field, name] of optional) {
    const value = get(name);
    if (value) config[field] = value;
  }
  const s3 = readS3(get);
  if (s3) config.s3 = s3;
  const budget = positiveNumber('STUDIO_BUDGET', get('STUDIO_BUDGET'));
  if (budget !== undefined) config.budget = budget;
  const concurrency = positiveNumber('STUDIO_CONCURRENCY', get('STUDIO_CONCURRENCY'));
  if (concurrency !== undefined && concurrency >= 1) config.concurrency = Math.floor(concurrency);
  for (const name of secretVariables) {
    const value = get(name);
    if (value && value.length >= 4) config.secrets.push(value);
  }
  return config;
}
