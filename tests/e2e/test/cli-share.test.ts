/**
 * `studio share` through real processes: the demo's results copied to a real S3-compatible server (Swift, as in
 * cli-s3.test.ts), shared as presigned links that a plain HTTP GET downloads, refused once expired; the workspace's own
 * loopback links with `--serve`; and the refusals (consent, lifetimes over S3's 7 days, bad flags).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Storage } from '@model-studio/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, parseJson, runCli } from './helpers/cli-process.js';
import { keys, type PtySession, startPty } from './helpers/cli-pty.js';
import { repoRoot } from './helpers/repo.js';

const run = promisify(execFile);
// The AWS SDK's notice about its future Node.js support is for developers; the cleanup below uses the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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
        .map((match) => [match[1] ?? '', match[2] ?? '']),
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
      S3_PREFIX: `cli-share-${randomBytes(4).toString('hex')}`,
    },
    stop: async () => {
      if (startedHere) await run('bash', [join(scripts, 'stop.sh')], { timeout: 60_000 });
    },
  };
}

interface JsonLink {
  name: string;
  key: string;
  url: string;
  expiresAt: string;
  storage: string;
  reachableFrom: string;
}

const resultsDir = 'studio-workspace/models/demo/results/sfw/source_1/enhanced';

describe('studio share', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof s3Server>>;
  let s3Env: NodeJS.ProcessEnv;

  const studio = (args: string[], env = s3Env) => runCli(args, { cwd: dir, env });

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-share-'));
    server = await s3Server();
    s3Env = cleanEnv(server.env);
    const demo = await studio(['demo']);
    expect(demo.code, demo.stderr + demo.stdout).toBe(0);
  }, 240_000);

  let pty: PtySession | undefined;

  afterAll(async () => {
    pty?.kill();
    const env = server?.env;
    if (env) {
      const storage = new S3Storage({
        bucket: env.S3_BUCKET ?? '',
        prefix: env.S3_PREFIX ?? '',
        region: env.S3_REGION ?? '',
        endpoint: env.S3_ENDPOINT ?? '',
        credentials: { accessKeyId: env.S3_ACCESS_KEY_ID ?? '', secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '' },
      });
      const keys: string[] = [];
      for await (const object of storage.list()) keys.push(object.key);
      if (keys.length > 0) await storage.delete(keys);
      storage.destroy();
    }
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses while the consent record does not cover publishing (exit 3), and says how to fix it', async () => {
    const refused = await studio(['share', 'demo']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/does not cover publish of "sfw" content: use "publish" not allowed/);
    const consent = await studio([
      'consent',
      'set',
      'demo',
      '--subject',
      'Demo subject',
      '--adult',
      '--evidence',
      'demo-consent.pdf',
      '--ratings',
      'sfw',
      '--uses',
      'swap,publish',
    ]);
    expect(consent.code, consent.stderr).toBe(0);
  });

  it('prints presigned S3 links (--json) that a plain HTTP GET downloads, byte for byte', async () => {
    const before = Date.now();
    const result = await studio(['--json', 'share', 'demo']);
    expect(result.code, result.stderr).toBe(0);
    const { model, links } = parseJson<{ model: string; links: JsonLink[] }>(result);
    expect(model).toBe('demo');
    expect(links.map((link) => link.name)).toEqual([
      'demo-s1-t001-sfw-enhanced.jpg',
      'demo-s1-t002-sfw-enhanced.jpg',
      'demo-s1-t003-sfw-enhanced.jpg',
    ]);
    for (const link of links) {
      expect(link.storage).toBe('s3');
      expect(link.url).toContain(`/${server.env.S3_BUCKET}/${server.env.S3_PREFIX}/models/demo/results/`);
      expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe('604800');
      expect(Date.parse(link.expiresAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 604_800_000);
      const response = await fetch(link.url);
      expect(response.status).toBe(200);
      const local = await readFile(join(dir, resultsDir, link.name));
      expect(Buffer.from(await response.arrayBuffer()).equals(local)).toBe(true);
    }
    expect(result.stdout + result.stderr).not.toContain(server.env.S3_SECRET_ACCESS_KEY);
  });

  it('prints CSV; a link past its expiry (--expires 1s) is refused', async () => {
    const result = await studio([
      'share',
      'demo',
      '--csv',
      '--expires',
      '1s',
      '--stage',
      'enhanced',
      '--rating',
      'sfw',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toBe('name,key,url,expires_at,reachable_from');
    expect(rows).toHaveLength(3);
    const [name, key, url, expiresAt] = (rows[0] ?? '').split(',');
    expect([name, key]).toEqual([
      'demo-s1-t001-sfw-enhanced.jpg',
      'models/demo/results/sfw/source_1/enhanced/demo-s1-t001-sfw-enhanced.jpg',
    ]);
    while (Date.now() < Date.parse(expiresAt ?? '') + 1500) await new Promise((resolve) => setTimeout(resolve, 250));
    const expired = await fetch(url ?? '');
    expect(expired.status).toBe(403);
  });

  it('refuses lifetimes over 7 days with the SigV4 limit, and bad flags, with exit 2', async () => {
    const tooLong = await studio(['share', 'demo', '--expires', '8d']);
    expect(tooLong.code, tooLong.stderr).toBe(2);
    expect(tooLong.stderr).toMatch(/S3 presigned URLs last at most 7 days \(604800 seconds; a SigV4 limit/);
    const badDuration = await studio(['share', 'demo', '--expires', '2w']);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toMatch(/--expires "2w" is not a lifetime: use a whole number with d, h, m or s/);
    const badStage = await studio(['share', 'demo', '--stage', 'final']);
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toMatch(/--stage "final" is not a stage: use enhanced, swapped or source/);
    const both = await studio(['--json', 'share', 'demo', '--csv']);
    expect(both.code).toBe(2);
  });

  it('without S3, says local links work on this machine only; --serve serves them until Ctrl-C', async () => {
    const localEnv = cleanEnv();
    const once = await studio(['share', 'demo', '--stage', 'source'], localEnv);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(/demo-source-1\.jpg {2}\(this machine only\)/);
    expect(once.stderr).toMatch(/stop working when it exits: pass --serve/);

    const child = spawn(process.execPath, [cliBin, 'share', 'demo', '--serve'], {
      cwd: dir,
      env: localEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(stdout);
        if (match?.[1] && /serving them until Ctrl-C/.test(stderr)) resolve(match[1]);
      });
      child.stderr.on('data', () => {
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(stdout);
        if (match?.[1] && /serving them until Ctrl-C/.test(stderr)) resolve(match[1]);
      });
      child.on('close', (code) => reject(new Error(`share --serve exited ${code}:\n${stdout}\n${stderr}`)));
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const local = await readFile(join(dir, resultsDir, 'demo-s1-t001-sfw-enhanced.jpg'));
    expect(Buffer.from(await response.arrayBuffer()).equals(local)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/Stopped serving/);
    await expect(fetch(url)).rejects.toThrow();
  });
  it('the menu offers share links after a run, and prints them when asked', async () => {
    const env = { ...s3Env };
    delete env.CI;
    pty = startPty([process.execPath, cliBin, '--sandbox'], { cwd: dir, env });
    const { waitFor, write } = pty;
    await waitFor('What would you like to do?');
    write(keys.down + keys.enter);
    await waitFor('Which model?');
    write(keys.enter);
    await waitFor('What to do with');
    write(keys.enter);
    await waitFor('Add source photos?');
    write('n');
    await waitFor('Consent on record: Demo subject');
    await waitFor('Which ratings to process?');
    write(keys.enter);
    await waitFor('Target photos for sfw');
    write(keys.enter);
    await waitFor('Continue? [Y/n]');
    write('y');
    await waitFor('units verified');
    await waitFor('Create share links to the enhanced results (valid 7 days)?');
    write('y');
    await waitFor('Share links, valid until');
    const shown = await waitFor('What would you like to do?');
    expect(shown).toContain('demo-s1-t001-sfw-enhanced.jpg');
    expect(shown).toContain(`${server.env.S3_ENDPOINT}/${server.env.S3_BUCKET}/${server.env.S3_PREFIX}/models/demo/`);
    write(keys.down + keys.down + keys.down + keys.enter);
    await waitFor('Goodbye');
    expect(await pty.exited).toBe(0);
  }, 120_000);
});
