import { ValidationError } from '@model-studio/core';
import type { S3StorageCredentials, S3StorageOptions } from './s3-storage-options.js';

/** Settings that win over the environment (a command's flags), e.g. a bucket named on the command line. */
export type S3EnvOverrides = Partial<
  Pick<S3StorageOptions, 'bucket' | 'prefix' | 'region' | 'endpoint' | 'forcePathStyle' | 'credentials' | 'publicUrls'>
>;

/** Variables that only make sense with a bucket: set without `S3_BUCKET`, they are a mistake, not "no S3". */
const needBucket = ['S3_ENDPOINT', 'S3_PREFIX'] as const;

/**
 * The {@link S3Storage} constructor options from environment variables (the ones the `studio` CLI and the example
 * server read), or `undefined` when `S3_BUCKET` is unset: no S3 is configured. Settings in `overrides` (a command's
 * flags) win over the environment; a bucket there counts as set.
 *
 * | variable | option | notes |
 * | --- | --- | --- |
 * | `S3_BUCKET` | `bucket` | the bucket's name only (it must exist); unset: `undefined` |
 * | `S3_PREFIX` | `prefix` | a folder inside the bucket, e.g. `studio` |
 * | `S3_REGION` | `region` | default: the SDK's chain (`AWS_REGION`, `~/.aws/config`), `us-east-1` with an endpoint; R2 wants `auto` |
 * | `S3_ENDPOINT` | `endpoint` | an S3-compatible server (R2, MinIO, Swift, RunPod): an `http(s)` URL without credentials |
 * | `S3_ACCESS_KEY_ID` | `credentials.accessKeyId` | with `S3_SECRET_ACCESS_KEY`; neither: the SDK's default credential chain |
 * | `S3_SECRET_ACCESS_KEY` | `credentials.secretAccessKey` | never printed |
 * | `S3_SESSION_TOKEN` | `credentials.sessionToken` | temporary credentials (STS); needs the two above; never printed |
 * | `S3_FORCE_PATH_STYLE` | `forcePathStyle` | `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); default: `true` with an endpoint |
 * | `S3_PUBLIC_URLS` | `publicUrls` | whether the internet can fetch its signed URLs; default: `false` for loopback and private endpoints |
 *
 * Blank values count as unset. Half-set settings throw core's `ValidationError` (its `field` names the variable) with
 * a message that says what to set: `S3_ENDPOINT` or `S3_PREFIX` without `S3_BUCKET`, a key id without its secret (or
 * the reverse), a session token without both, an endpoint that is not an `http(s)` URL or carries credentials, a
 * switch that is not a yes/no. Messages name variables, never the values of credentials.
 *
 * @param env - Where to read the variables. @default process.env
 * @param overrides - Options that win over the variables (flags). @default {}
 * @returns the options for `new S3Storage(options)`, or `undefined` when no bucket is set.
 * @throws ValidationError when the settings are half set or malformed.
 *
 * @example
 * ```ts no-run
 * import { S3Storage, s3StorageOptionsFromEnv } from '@model-studio/storage-s3';
 *
 * const options = s3StorageOptionsFromEnv(); // reads S3_BUCKET, S3_REGION, S3_ENDPOINT, ...
 * const storage = options ? new S3Storage(options) : undefined;
 * ```
 */
export function s3StorageOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: S3EnvOverrides = {},
): S3StorageOptions | undefined {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const bucket = overrides.bucket ?? get('S3_BUCKET');
  if (bucket === undefined) {
    const stray = needBucket.find((name) => get(name) !== undefined);
    if (stray === undefined) return undefined;
    throw new ValidationError(
      `${stray} is set but S3_BUCKET is not: set S3_BUCKET to the bucket's name (the bucket must exist), or unset ${stray} to run without S3.`,
      { field: 'S3_BUCKET' },
    );
  }
  checkBucketName(bucket);
  const options: S3StorageOptions = { bucket };
  const prefix = overrides.prefix ?? get('S3_PREFIX');
  if (prefix !== undefined) options.prefix = prefix;
  const region = overrides.region ?? get('S3_REGION');
  if (region !== undefined) options.region = region;
  const endpoint = overrides.endpoint ?? get('S3_ENDPOINT');
  if (endpoint !== undefined) options.endpoint = checkedEndpoint(endpoint);
  const forcePathStyle = overrides.forcePathStyle ?? yesOrNo(get, 'S3_FORCE_PATH_STYLE');
  if (forcePathStyle !== undefined) options.forcePathStyle = forcePathStyle;
  const publicUrls = overrides.publicUrls ?? yesOrNo(get, 'S3_PUBLIC_URLS');
  if (publicUrls !== undefined) options.publicUrls = publicUrls;
  const credentials = overrides.credentials ?? credentialsFrom(get);
  if (credentials !== undefined) options.credentials = credentials;
  return options;
}

function checkBucketName(bucket: string): void {
  if (/[/\s]/.test(bucket)) {
    throw new ValidationError(
      `S3_BUCKET must be the bucket's name only, without slashes or spaces (got ${JSON.stringify(bucket)}): put a folder inside the bucket in S3_PREFIX.`,
      { field: 'S3_BUCKET', value: bucket },
    );
  }
}

function checkedEndpoint(endpoint: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  // The value is not echoed: a malformed URL may hold credentials.
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ValidationError(
      'S3_ENDPOINT must be an http(s) URL of an S3-compatible server, such as https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000.',
      { field: 'S3_ENDPOINT' },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError(
      'S3_ENDPOINT must not carry credentials (user:password@): set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY instead.',
      { field: 'S3_ENDPOINT' },
    );
  }
  return endpoint;
}

function yesOrNo(get: (name: string) => string | undefined, name: string): boolean | undefined {
  const value = get(name);
  if (value === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ValidationError(`${name} must be true or false (got ${JSON.stringify(value)}).`, {
    field: name,
    value,
  });
}

function credentialsFrom(get: (name: string) => string | undefined): S3StorageCredentials | undefined {
  const accessKeyId = get('S3_ACCESS_KEY_ID');
  const secretAccessKey = get('S3_SECRET_ACCESS_KEY');
  const sessionToken = get('S3_SESSION_TOKEN');
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return { accessKeyId, secretAccessKey, ...(sessionToken !== undefined && { sessionToken }) };
  }
  const [set, unset] =
    accessKeyId !== undefined
      ? ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']
      : ['S3_SECRET_ACCESS_KEY', 'S3_ACCESS_KEY_ID'];
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    throw new ValidationError(
      `${set} is set but ${unset} is not: set both, or neither to use the AWS SDK's default credential chain (environment, ~/.aws, instance role).`,
      { field: unset },
    );
  }
  if (sessionToken !== undefined) {
    throw new ValidationError(
      'S3_SESSION_TOKEN is set without S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: temporary credentials need all three.',
      { field: 'S3_ACCESS_KEY_ID' },
    );
  }
  return undefined;
}
