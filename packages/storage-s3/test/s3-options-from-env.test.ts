/**
 * `s3StorageOptionsFromEnv`: the S3_* variables the CLI and the example server read, parsed into `S3Storage` options
 * (no network), half-set settings refused with a typed error that never contains a secret, and one storage built
 * from the variables against the real S3-compatible server the package's tests start.
 */
import { ValidationError } from '@model-studio/core';
import { S3Storage, s3StorageOptionsFromEnv } from '@model-studio/storage-s3';
import { describe, expect, it } from 'vitest';
import { testEnv, uniquePrefix } from './s3-test-env.js';

const keyId = 'AKIA-DISTINCTIVE-KEY-0042';
const secret = 'secret-DISTINCTIVE-0043+xyz';
const token = 'session-DISTINCTIVE-0044';

/** The ValidationError `env` throws (fails the test when it does not throw one). */
function refusal(env: Record<string, string | undefined>): ValidationError {
  try {
    s3StorageOptionsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    for (const value of [keyId, secret, token]) expect(message).not.toContain(value);
    return error as ValidationError;
  }
  throw new Error(`expected a ValidationError for ${Object.keys(env).join(', ')}`);
}

describe('s3StorageOptionsFromEnv: parsing', () => {
  it('is undefined without S3_BUCKET (blank counts as unset; a region or keys alone configure nothing)', () => {
    expect(s3StorageOptionsFromEnv({})).toBeUndefined();
    expect(s3StorageOptionsFromEnv({ S3_BUCKET: '   ', S3_REGION: 'eu-west-1' })).toBeUndefined();
    expect(s3StorageOptionsFromEnv({ S3_ACCESS_KEY_ID: keyId, S3_SECRET_ACCESS_KEY: secret })).toBeUndefined();
  });

  it('maps every variable to its option, trimmed', () => {
    const options = s3StorageOptionsFromEnv({
      S3_BUCKET: ' studio ',
      S3_PREFIX: 'team/andie',
      S3_REGION: 'auto',
      S3_ENDPOINT: 'https://0123abcd.r2.cloudflarestorage.com',
      S3_ACCESS_KEY_ID: keyId,
      S3_SECRET_ACCESS_KEY: secret,
      S3_SESSION_TOKEN: token,
      S3_FORCE_PATH_STYLE: 'TRUE',
      S3_PUBLIC_URLS: 'no',
      UNRELATED: 'x',
    });
    expect(options).toEqual({
      bucket: 'studio',
      prefix: 'team/andie',
      region: 'auto',
      endpoint: 'https://0123abcd.r2.cloudflarestorage.com',
      credentials: { accessKeyId: keyId, secretAccessKey: secret, sessionToken: token },
      forcePathStyle: true,
      publicUrls: false,
    });
  });

  it('leaves unset settings to the SDK and S3Storage defaults', () => {
    expect(s3StorageOptionsFromEnv({ S3_BUCKET: 'studio' })).toEqual({ bucket: 'studio' });
    expect(s3StorageOptionsFromEnv({ S3_BUCKET: 'studio', S3_FORCE_PATH_STYLE: '0' })).toEqual({
      bucket: 'studio',
      forcePathStyle: false,
    });
  });

  it('lets overrides (flags) win, and a bucket given there needs no S3_BUCKET', () => {
    const env = { S3_BUCKET: 'from-env', S3_REGION: 'eu-west-2', S3_ENDPOINT: 'http://127.0.0.1:9000' };
    expect(s3StorageOptionsFromEnv(env, { bucket: 'from-flag', region: 'us-east-2' })).toEqual({
      bucket: 'from-flag',
      region: 'us-east-2',
      endpoint: 'http://127.0.0.1:9000',
    });
    expect(s3StorageOptionsFromEnv({ S3_ENDPOINT: 'http://127.0.0.1:9000' }, { bucket: 'flag', prefix: 'p' })).toEqual({
      bucket: 'flag',
      prefix: 'p',
      endpoint: 'http://127.0.0.1:9000',
    });
  });

  it('reads process.env by default', () => {
    const saved = process.env.S3_BUCKET;
    try {
      process.env.S3_BUCKET = 'bucket-from-process-env';
      expect(s3StorageOptionsFromEnv()?.bucket).toBe('bucket-from-process-env');
    } finally {
      if (saved === undefined) delete process.env.S3_BUCKET;
      else process.env.S3_BUCKET = saved;
    }
  });
});

describe('s3StorageOptionsFromEnv: half-set or malformed settings', () => {
  it('an endpoint or a prefix without a bucket', () => {
    const endpoint = refusal({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: keyId });
    expect(endpoint.field).toBe('S3_BUCKET');
    expect(endpoint.message).toMatch(/S3_ENDPOINT is set but S3_BUCKET is not: set S3_BUCKET/);
    expect(refusal({ S3_PREFIX: 'studio' }).message).toMatch(/S3_PREFIX is set but S3_BUCKET is not/);
  });

  it('a key id without its secret, a secret without its key id, a session token alone', () => {
    const noSecret = refusal({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: keyId });
    expect(noSecret.field).toBe('S3_SECRET_ACCESS_KEY');
    expect(noSecret.message).toMatch(/S3_ACCESS_KEY_ID is set but S3_SECRET_ACCESS_KEY is not: set both, or neither/);
    const noKeyId = refusal({ S3_BUCKET: 'b', S3_SECRET_ACCESS_KEY: secret, S3_SESSION_TOKEN: token });
    expect(noKeyId.field).toBe('S3_ACCESS_KEY_ID');
    expect(noKeyId.message).toMatch(/S3_SECRET_ACCESS_KEY is set but S3_ACCESS_KEY_ID is not/);
    expect(refusal({ S3_BUCKET: 'b', S3_SESSION_TOKEN: token }).message).toMatch(
      /temporary credentials need all three/,
    );
  });

  it('an endpoint that is not an http(s) URL, or carries credentials (never echoed)', () => {
    for (const bad of ['127.0.0.1:9000', 'ftp://host/x', `s3://${keyId}:${secret}@host`]) {
      const error = refusal({ S3_BUCKET: 'b', S3_ENDPOINT: bad });
      expect(error.field).toBe('S3_ENDPOINT');
      expect(error.message).toMatch(/must be an http\(s\) URL/);
    }
    const withUser = refusal({ S3_BUCKET: 'b', S3_ENDPOINT: `https://${keyId}:${secret}@minio.example.com` });
    expect(withUser.message).toMatch(/must not carry credentials.*S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
  });

  it('a bucket with a folder in it, and a switch that is not yes or no', () => {
    const bucket = refusal({ S3_BUCKET: 'studio/models' });
    expect(bucket).toMatchObject({ field: 'S3_BUCKET' });
    expect(bucket.message).toMatch(/bucket's name only.*S3_PREFIX/);
    expect(refusal({ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }).message).toBe(
      'S3_FORCE_PATH_STYLE must be true or false (got "maybe").',
    );
    expect(refusal({ S3_BUCKET: 'b', S3_PUBLIC_URLS: '2' })).toMatchObject({ field: 'S3_PUBLIC_URLS' });
  });
});

describe('s3StorageOptionsFromEnv: a storage built from the variables', () => {
  it('puts and reads back an object on the test server, signed with the keys from the environment', async () => {
    const env = testEnv();
    const options = s3StorageOptionsFromEnv({
      S3_BUCKET: env.bucket,
      S3_PREFIX: uniquePrefix('from-env'),
      S3_REGION: env.region,
      S3_ENDPOINT: env.endpoint,
      S3_ACCESS_KEY_ID: env.accessKeyId,
      S3_SECRET_ACCESS_KEY: env.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
    const storage = new S3Storage(options!);
    try {
      expect(storage.publicUrls).toBe(false);
      await storage.put('hello.txt', new TextEncoder().encode('from the environment'), { contentType: 'text/plain' });
      expect(await new Response(await storage.get('hello.txt')).text()).toBe('from the environment');
      await storage.delete(['hello.txt']);
    } finally {
      storage.destroy();
    }
  });
});
