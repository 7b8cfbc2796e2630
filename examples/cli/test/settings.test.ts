import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackUrl } from '@model-studio/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings, scrubSecrets } from '../src/settings.js';

describe('loadSettings', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const withEnvFile = async (text: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-settings-'));
    dirs.push(dir);
    await writeFile(join(dir, '.env'), text);
    return dir;
  };

  it('reads a .env file in the directory; the environment wins; process.env is not changed', async () => {
    const dir = await withEnvFile(
      'MAXSTUDIO_API_KEY=from-file-key\nS3_BUCKET=file-bucket\nS3_FORCE_PATH_STYLE=true\nS3_PREFIX=studio\n',
    );
    const settings = loadSettings({ S3_BUCKET: 'env-bucket' }, dir);
    expect(settings.maxStudioApiKey).toBe('from-file-key');
    expect(settings.s3).toEqual({ bucket: 'env-bucket', forcePathStyle: true, prefix: 'studio' });
    expect(settings.secrets).toEqual(['from-file-key']);
    expect(process.env.MAXSTUDIO_API_KEY).toBeUndefined();
  });

  it('works without a .env file, ignores blank values and has no S3 without a bucket', () => {
    const settings = loadSettings(
      { MAXSTUDIO_API_KEY: '  ', S3_REGION: 'eu-west-1' },
      join(tmpdir(), 'no-such-dir-cli'),
    );
    expect(settings).toEqual({ secrets: [], captioner: {} });
  });

  it('collects every secret for scrubbing', () => {
    const settings = loadSettings(
      {
        MAXSTUDIO_API_KEY: 'key-1234',
        S3_BUCKET: 'b',
        S3_ACCESS_KEY_ID: 'AKIA0000',
        S3_SECRET_ACCESS_KEY: 'shh-secret',
      },
      tmpdir(),
    );
    expect(settings.secrets.sort()).toEqual(['AKIA0000', 'key-1234', 'shh-secret']);
    expect(settings.s3).toMatchObject({ accessKeyId: 'AKIA0000', secretAccessKey: 'shh-secret' });
  });
});

describe('isLoopbackUrl and scrubSecrets', () => {
  it('treats 127.x, localhost and ::1 as loopback (a sandbox), anything else as remote', () => {
    expect(isLoopbackUrl('http://127.0.0.1:8790')).toBe(true);
    expect(isLoopbackUrl('http://127.4.5.6/')).toBe(true);
    expect(isLoopbackUrl('http://localhost:1')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:8080')).toBe(true);
    expect(isLoopbackUrl('https://api.maxstudio.ai')).toBe(false);
    expect(isLoopbackUrl('http://127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });

  it('replaces every occurrence of every secret', () => {
    expect(scrubSecrets('key=abcd-1 again abcd-1 and zz-9', ['abcd-1', 'zz-9'])).toBe('key=*** again *** and ***');
  });
});
