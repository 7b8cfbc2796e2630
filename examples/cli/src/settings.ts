import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';

/** Environment variables the CLI reads (from the environment, or a `.env` file in the current directory). */
export const settingNames = [
  'MAXSTUDIO_API_KEY',
  'MAXSTUDIO_BASE_URL',
  'S3_BUCKET',
  'S3_PREFIX',
  'S3_REGION',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_SESSION_TOKEN',
  'S3_FORCE_PATH_STYLE',
  'S3_PUBLIC_URLS',
  'STUDIO_WORKSPACE',
  'HF_TOKEN',
  'HF_ENDPOINT_URL',
  'CAPTIONER',
  'CAPTIONER_BASE_URL',
  'CAPTIONER_MODEL',
  'CAPTIONER_API_KEY',
  'RUNPOD_API_KEY',
  'RUNPOD_BASE_URL',
] as const;

/** Names whose values are secrets: never printed, scrubbed from every message. */
export const secretNames = [
  'MAXSTUDIO_API_KEY',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_SESSION_TOKEN',
  'HF_TOKEN',
  'CAPTIONER_API_KEY',
  'RUNPOD_API_KEY',
] as const;

/**
 * The `S3_*` variables: `@model-studio/storage-s3`'s `s3StorageOptionsFromEnv` turns them into the storage's options
 * (and refuses half-set ones) when a command opens S3.
 */
const s3VariableNames = settingNames.filter((name) => name.startsWith('S3_'));

/** Variables that configure S3, or are a mistake without a bucket (`s3StorageOptionsFromEnv` says so). */
const s3TriggerNames = ['S3_BUCKET', 'S3_ENDPOINT', 'S3_PREFIX'] as const;

/** What screens and hints show of the S3 settings (the storage itself is built from {@link CliSettings.s3Env}). */
export interface S3Settings {
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

/** Which captioner `studio captions generate` uses, from the environment (secrets never printed). */
export interface CaptionerSettings {
  /** `CAPTIONER`: `offline`, `hf`, `blip`, `openai`, `ollama`. */
  kind?: string;
  /** `HF_TOKEN`: a Hugging Face token (the default captioner is then the Hugging Face VLM). */
  hfToken?: string;
  /** `HF_ENDPOINT_URL`: a dedicated Inference Endpoint (BLIP-style image-to-text, or a VLM's OpenAI-compatible URL). */
  hfEndpointUrl?: string;
  /** `CAPTIONER_BASE_URL`: an OpenAI-compatible server or Ollama (`http://127.0.0.1:11434`). */
  baseUrl?: string;
  /** `CAPTIONER_MODEL`: the model name on that server or on Hugging Face. */
  model?: string;
  /** `CAPTIONER_API_KEY`: a bearer key for that server. */
  apiKey?: string;
}

/** Everything the CLI needs from the environment. */
export interface CliSettings {
  /** The MaxStudio API key, when set. Never printed. */
  maxStudioApiKey?: string;
  /** The MaxStudio base URL, when set (a loopback URL means a sandbox). */
  maxStudioBaseUrl?: string;
  /** S3 settings when `S3_BUCKET` is set (for screens and hints). */
  s3?: S3Settings;
  /**
   * The `S3_*` variables as set (the environment, then the `.env` file), when `S3_BUCKET`, `S3_ENDPOINT` or
   * `S3_PREFIX` is: the workspace's S3 storage is built from them with `s3StorageOptionsFromEnv`, which also refuses
   * half-set settings (an endpoint without a bucket, a key id without its secret) with a `ValidationError`.
   */
  s3Env?: Record<string, string>;
  /** `STUDIO_WORKSPACE`, when set. */
  workspace?: string;
  /** Captioner settings (`CAPTIONER`, `HF_TOKEN`, `HF_ENDPOINT_URL`, `CAPTIONER_BASE_URL`, `CAPTIONER_MODEL`, `CAPTIONER_API_KEY`). */
  captioner: CaptionerSettings;
  /** `RUNPOD_API_KEY`: the RunPod API key for training, when set. Never printed. */
  runpodApiKey?: string;
  /** `RUNPOD_BASE_URL`: the RunPod REST base URL, when set (a loopback URL means a RunPod sandbox). */
  runpodBaseUrl?: string;
  /** The secret values, for scrubbing output. */
  secrets: string[];
}

/**
 * Reads settings from `env`, falling back to a `.env` file in `cwd`. The environment wins over the file; the file
 * never changes `process.env`.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CliSettings {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parse(readFileSync(join(cwd, '.env')));
  } catch {
    // no .env file: the environment alone
  }
  const get = (name: (typeof settingNames)[number]): string | undefined => {
    const value = env[name] ?? fromFile[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const captioner: CaptionerSettings = {};
  const captionerFields = [
    ['kind', 'CAPTIONER'],
    ['hfToken', 'HF_TOKEN'],
    ['hfEndpointUrl', 'HF_ENDPOINT_URL'],
    ['baseUrl', 'CAPTIONER_BASE_URL'],
    ['model', 'CAPTIONER_MODEL'],
    ['apiKey', 'CAPTIONER_API_KEY'],
  ] as const;
  for (const [field, name] of captionerFields) {
    const value = get(name);
    if (value) captioner[field] = value;
  }
  const settings: CliSettings = { secrets: [], captioner };
  const apiKey = get('MAXSTUDIO_API_KEY');
  if (apiKey) settings.maxStudioApiKey = apiKey;
  const baseUrl = get('MAXSTUDIO_BASE_URL');
  if (baseUrl) settings.maxStudioBaseUrl = baseUrl;
  const runpodApiKey = get('RUNPOD_API_KEY');
  if (runpodApiKey) settings.runpodApiKey = runpodApiKey;
  const runpodBaseUrl = get('RUNPOD_BASE_URL');
  if (runpodBaseUrl) settings.runpodBaseUrl = runpodBaseUrl;
  const workspace = get('STUDIO_WORKSPACE');
  if (workspace) settings.workspace = workspace;
  const bucket = get('S3_BUCKET');
  if (bucket) {
    const s3: S3Settings = { bucket };
    const prefix = get('S3_PREFIX');
    const region = get('S3_REGION');
    const endpoint = get('S3_ENDPOINT');
    const accessKeyId = get('S3_ACCESS_KEY_ID');
    const secretAccessKey = get('S3_SECRET_ACCESS_KEY');
    const pathStyle = get('S3_FORCE_PATH_STYLE');
    if (prefix) s3.prefix = prefix;
    if (region) s3.region = region;
    if (endpoint) s3.endpoint = endpoint;
    if (accessKeyId) s3.accessKeyId = accessKeyId;
    if (secretAccessKey) s3.secretAccessKey = secretAccessKey;
    if (pathStyle) s3.forcePathStyle = /^(1|true|yes)$/i.test(pathStyle);
    settings.s3 = s3;
  }
  if (s3TriggerNames.some((name) => get(name) !== undefined)) {
    const s3Env: Record<string, string> = {};
    for (const name of s3VariableNames) {
      const value = get(name);
      if (value !== undefined) s3Env[name] = value;
    }
    settings.s3Env = s3Env;
  }
  for (const name of secretNames) {
    const value = get(name);
    if (value && value.length >= 4) settings.secrets.push(value);
  }
  return settings;
}

/** Replaces every secret value in `text` with `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('***');
  return result;
}
