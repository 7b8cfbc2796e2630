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
  'S3_FORCE_PATH_STYLE',
  'STUDIO_WORKSPACE',
] as const;

/** Names whose values are secrets: never printed, scrubbed from every message. */
export const secretNames = ['MAXSTUDIO_API_KEY', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** S3 settings for result mirroring and public URLs. */
export interface S3Settings {
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

/** Everything the CLI needs from the environment. */
export interface CliSettings {
  /** The MaxStudio API key, when set. Never printed. */
  maxStudioApiKey?: string;
  /** The MaxStudio base URL, when set (a loopback URL means a sandbox). */
  maxStudioBaseUrl?: string;
  /** S3 settings when `S3_BUCKET` is set. */
  s3?: S3Settings;
  /** `STUDIO_WORKSPACE`, when set. */
  workspace?: string;
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
  const settings: CliSettings = { secrets: [] };
  const apiKey = get('MAXSTUDIO_API_KEY');
  if (apiKey) settings.maxStudioApiKey = apiKey;
  const baseUrl = get('MAXSTUDIO_BASE_URL');
  if (baseUrl) settings.maxStudioBaseUrl = baseUrl;
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
