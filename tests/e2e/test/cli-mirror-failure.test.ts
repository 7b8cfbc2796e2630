/**
 * The built `studio` command with S3 settings pointing at a loopback port nobody listens on: the copies to S3 fail
 * for real (ECONNREFUSED from the AWS SDK), the units do not.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cleanEnv, ensureCliBuilt, parseJson, runCli, samplesDir } from './helpers/cli-process.js';

const accessKeyId = 'AKIA-E2E-MIRROR-DISTINCTIVE';
const secretAccessKey = 'mirror-secret-DISTINCTIVE-4b1d';
const apiKey = 'ms-live-mirror-DISTINCTIVE-0042';

/** A loopback port that was free a moment ago and that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

interface RunJson {
  sandbox: boolean;
  verified: string;
  summary: {
    outcome: string;
    succeeded: number;
    skipped: number;
    failed: unknown[];
    outputs: string[];
    mirrored: number;
    copyFailures: { unitId: string; store: string; key: string; code: string; message: string }[];
  };
}

describe('studio run when the copies to S3 fail', () => {
  let dir: string;
  let workspace: string;
  let s3Env: Record<string, string>;
  const outputs: CliResult[] = [];
  const studio = async (args: string[], extra: Record<string, string> = {}): Promise<CliResult> => {
    const result = await runCli(args, { cwd: dir, env: cleanEnv({ STUDIO_WORKSPACE: workspace, ...extra }) });
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-mirror-'));
    workspace = join(dir, 'ws');
    s3Env = {
      S3_BUCKET: 'b',
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
    };
    const consent = [
      '--subject',
      'Eve',
      '--adult',
      '--attested-by',
      'e2e',
      '--ratings',
      'sfw',
      '--evidence',
      'eve.pdf',
    ];
    const provenance = ['--rating', 'sfw', '--origin', 'bundled samples', '--rights', 'public domain'];
    for (const args of [
      ['models', 'create', 'eve', '--min-short-side', '512'],
      ['consent', 'set', 'eve', ...consent],
      ['sources', 'add', 'eve', join(samplesDir, 'grace_hopper.jpg')],
      ['targets', 'add', 'eve', join(samplesDir, 'targets', 'astronaut.png'), ...provenance],
    ]) {
      const done = await studio(args);
      expect(done.code, done.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the unit successful and the failed copies with their reason, exits 7, and keeps the result', async () => {
    const run = await studio(['--yes', '--sandbox', 'run', 'eve'], s3Env);
    expect(run.code, run.stdout + run.stderr).toBe(7);
    expect(run.stdout).toContain('✔ eve-s1-t001-sfw-enhanced.jpg (1/1)');
    expect(run.stdout).not.toContain('✖');
    expect(run.stdout).toMatch(/Successful: 1\/1 units verified/);
    expect(run.stdout).toMatch(/Failed: 0\n/);
    expect(run.stdout).toMatch(/Results: 1 new file\(s\)/);
    expect(run.stdout).toMatch(
      /Storage upload: 0 file\(s\) copied to s3:\/\/b; 2 copies failed \(the results are stored in the workspace\)/,
    );
    expect(run.stdout).toMatch(/- eve-s1-t001-sfw-enhanced\.jpg: S3 put of .* failed: ECONNREFUSED/);
    expect(run.stdout).toMatch(/Running again finishes the copies .*: studio --sandbox run eve/);
    const result = join(workspace, 'models/eve/results/sfw/source_1/enhanced/eve-s1-t001-sfw-enhanced.jpg');
    expect(existsSync(result)).toBe(true);
    expect((await readFile(result)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    const status = parseJson<{ status: { done: string[]; failed: unknown[] } }>(
      await studio(['--json', 'status', 'eve']),
    );
    expect(status.status.done.sort()).toEqual(['eve:s1:t001:sfw:enhanced', 'eve:s1:t001:sfw:swapped']);
    expect(status.status.failed).toEqual([]);
  }, 120_000);

  it('a later run skips the done unit, tries the missing copies again and reports them in --json (exit 7)', async () => {
    const again = await studio(['--json', '--yes', '--sandbox', 'run', 'eve'], s3Env);
    expect(again.code, again.stderr).toBe(7);
    const { summary, verified } = parseJson<RunJson>(again);
    expect(verified).toBe('1/1 units verified');
    expect(summary).toMatchObject({ outcome: 'completed', skipped: 1, succeeded: 0, failed: [], mirrored: 0 });
    expect(summary.copyFailures.map((failure) => failure.key).sort()).toEqual([
      'models/eve/results/sfw/source_1/enhanced/eve-s1-t001-sfw-enhanced.jpg',
      'models/eve/results/sfw/source_1/swapped/eve-s1-t001-sfw-swapped.jpg',
    ]);
    for (const failure of summary.copyFailures) {
      expect(failure).toMatchObject({ unitId: 'eve:s1:t001:sfw', store: 's3', code: 'storage' });
      expect(failure.message).toMatch(/ECONNREFUSED/);
    }
  }, 120_000);

  it('says which storage could not be reached and what to check when S3 is the workspace (exit 7)', async () => {
    const result = await studio(['--yes', 'run', 'eve'], { ...s3Env, MAXSTUDIO_API_KEY: apiKey });
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toMatch(/S3 get of "models\.json" in bucket "b" failed: ECONNREFUSED/);
    expect(result.stderr).toContain(`The S3 storage (bucket "b", endpoint ${s3Env.S3_ENDPOINT})`);
    expect(result.stderr).toMatch(/Check S3_ENDPOINT, S3_BUCKET and S3_REGION, and the credentials/);
    const json = await studio(['--json', '--yes', 'run', 'eve'], { ...s3Env, MAXSTUDIO_API_KEY: apiKey });
    expect(json.code).toBe(7);
    expect(parseJson<{ error: { code: string; hint: string }; exitCode: number }>(json)).toMatchObject({
      error: { code: 'storage', hint: expect.stringMatching(/S3_ENDPOINT/) },
      exitCode: 7,
    });
  }, 120_000);

  it('never prints the S3 credentials or the API key', () => {
    for (const output of outputs) {
      for (const secret of [accessKeyId, secretAccessKey, apiKey]) {
        expect(output.stdout + output.stderr).not.toContain(secret);
      }
    }
  });
});
