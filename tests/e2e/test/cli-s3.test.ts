import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Storage } from '@model-studio/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cleanEnv, ensureCliBuilt, runCli } from './helpers/cli-process.js';
import { listFiles } from './helpers/cli-workspace.js';
import { repoRoot } from './helpers/repo.js';

const run = promisify(execFile);
const scripts = join(repoRoot, 'scripts', 's3-server');

/** S3 settings from S3_TEST_* (an S3 server of your own), else the repository's local Swift server, started if needed. */
async function s3Server(): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  let values: Record<string, string | undefined> = process.env;
  let startedHere = false;
  if (!process.env.S3_TEST_ENDPOINT) {
    const { stdout, stderr } = await run('bash', [join(scripts, 'start.sh')], { timeout: 120_000 });
    startedHere = !stderr.includes('reusing');
    values = Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1]!, match[2]!]),
    );
  }
  return {
    env: {
      S3_BUCKET: values.S3_TEST_BUCKET ?? 'model-studio-test',
      S3_REGION: values.S3_TEST_REGION ?? 'us-east-1',
      S3_ENDPOINT: values.S3_TEST_ENDPOINT ?? '',
      S3_ACCESS_KEY_ID: values.S3_TEST_ACCESS_KEY_ID ?? '',
      S3_SECRET_ACCESS_KEY: values.S3_TEST_SECRET_ACCESS_KEY ?? '',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: `cli-e2e-${randomBytes(4).toString('hex')}`,
    },
    stop: async () => {
      if (startedHere) await run('bash', [join(scripts, 'stop.sh')], { timeout: 60_000 });
    },
  };
}

describe('studio demo with S3 configured (a real S3-compatible server)', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof s3Server>>;
  let demo: CliResult;
  let storage: S3Storage;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-s3-'));
    server = await s3Server();
    const { env } = server;
    storage = new S3Storage({
      bucket: env.S3_BUCKET!,
      prefix: env.S3_PREFIX!,
      region: env.S3_REGION!,
      endpoint: env.S3_ENDPOINT!,
      forcePathStyle: true,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! },
    });
    demo = await runCli(['demo'], { cwd: dir, env: cleanEnv(env) });
  }, 180_000);

  afterAll(async () => {
    if (storage) {
      const keys: string[] = [];
      try {
        for await (const object of storage.list()) keys.push(object.key);
        if (keys.length > 0) await storage.delete(keys);
      } catch (error) {
        console.warn(
          `Could not clean up s3://${server.env.S3_BUCKET}/${server.env.S3_PREFIX}: ${(error as Error).message}`,
        );
      }
    }
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies every result to the bucket as it finishes and says where', async () => {
    expect(demo.code, demo.stderr + demo.stdout).toBe(0);
    const copied = /Storage upload: (\d+) file\(s\) copied to (s3:\/\/\S+)/.exec(demo.stdout);
    expect(copied, demo.stdout).not.toBeNull();
    expect(copied![2]).toBe(`s3://${server.env.S3_BUCKET}/${server.env.S3_PREFIX}`);
    const local = (await listFiles(join(dir, 'studio-workspace'))).filter((file) => file.includes('/results/'));
    const remote: string[] = [];
    for await (const object of storage.list({ prefix: 'models/demo/results/' })) remote.push(object.key);
    expect(remote.sort()).toEqual(local.sort());
    // The run's summary counts the images it copied; the demo's captions (.txt) are copied when they are written.
    expect(Number(copied![1])).toBe(remote.filter((key) => key.endsWith('.jpg')).length);
    expect(remote.filter((key) => key.endsWith('.txt'))).toHaveLength(3);
    expect(demo.stdout).not.toContain(server.env.S3_SECRET_ACCESS_KEY!);
  });

  it('refuses the real API up front when the bucket’s URLs cannot be reached from the internet (exit 2)', async () => {
    const key = 'ms-live-DISTINCTIVE-s3-0099';
    const env = cleanEnv({
      ...server.env,
      MAXSTUDIO_API_KEY: key,
      MAXSTUDIO_BASE_URL: 'https://api.maxstudio.invalid',
    });
    const result = await runCli(['--yes', 'run', 'demo'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/is a server the internet cannot reach/);
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(result.stdout + result.stderr).not.toContain(key);
    expect(result.stdout + result.stderr).not.toContain(server.env.S3_SECRET_ACCESS_KEY!);
  });
});
