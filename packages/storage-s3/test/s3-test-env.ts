import { randomBytes } from 'node:crypto';
import { S3Storage, type S3StorageOptions } from '@model-studio/storage-s3';
import { inject } from 'vitest';

/** Where the tests' S3 server is and how to sign in (local test credentials only). */
export interface S3TestEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3Env: S3TestEnv;
  }
}

/** Parses `KEY=value` lines. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/** The S3_TEST_* variables as an {@link S3TestEnv}, or undefined when S3_TEST_ENDPOINT is unset. */
export function s3TestEnvFrom(env: Record<string, string | undefined>): S3TestEnv | undefined {
  const endpoint = env.S3_TEST_ENDPOINT;
  if (!endpoint) return undefined;
  return {
    endpoint,
    region: env.S3_TEST_REGION ?? 'us-east-1',
    accessKeyId: env.S3_TEST_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.S3_TEST_SECRET_ACCESS_KEY ?? '',
    bucket: env.S3_TEST_BUCKET ?? 'model-studio-test',
  };
}

/** The server globalSetup provided. */
export function testEnv(): S3TestEnv {
  return inject('s3Env');
}

/** A key prefix no other run uses, e.g. `t-m3x9k2-1a2b3c4d/sync/`. */
export function uniquePrefix(name: string): string {
  return `t-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/${name}/`;
}

/** An S3Storage on the test server. */
export function testStorage(options: Partial<S3StorageOptions> = {}): S3Storage {
  const env = testEnv();
  return new S3Storage({
    bucket: env.bucket,
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    ...options,
  });
}
