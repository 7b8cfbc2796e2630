import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, ensureCliBuilt, runCli } from './helpers/cli-process.js';

const run = promisify(execFile);

/** A `--import` module that registers a loader hook appending every loaded module URL to $TRACE_FILE. */
const tracer = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  "export async function load(url, context, next) { appendFileSync(process.env.TRACE_FILE, url + '\\\\n'); return next(url, context); }"
));`,
)}`;

describe('studio settings, help and refusals', () => {
  let dir: string;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-settings-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('`studio --help` loads no quality, sharp, tfjs, AWS SDK or MaxStudio module', async () => {
    const traceFile = join(dir, 'trace.txt');
    const { stdout } = await run(process.execPath, ['--import', tracer, cliBin, '--help'], {
      cwd: dir,
      env: { ...cleanEnv(), TRACE_FILE: traceFile },
    });
    expect(stdout).toMatch(/Usage: studio/);
    expect(stdout).toMatch(/Exit codes:\n\s+0 {2}done/);
    for (const code of [2, 3, 6, 7, 8, 130]) expect(stdout).toMatch(new RegExp(`\\n\\s+${code} {2}\\S`));
    const loaded = (await readFile(traceFile, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((url) => url.endsWith('/examples/cli/dist/bin.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/commander/'))).toBe(true);
    const heavy = loaded.filter((url) =>
      /\/(sharp|@img|@tensorflow|@vladmandic|@aws-sdk|@smithy|@clack)\/|\/packages\/(quality|maxstudio|storage-s3|core)\//.test(
        url,
      ),
    );
    expect(heavy).toEqual([]);
  });

  it('refuses to run without a provider and says how to configure one (exit 2)', async () => {
    const result = await runCli(['--yes', 'run', 'anything'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No MaxStudio API key is configured/);
    expect(result.stderr).toMatch(/--sandbox/);
  });

  it('reads the key from .env, refuses the real API without S3 and explains S3, never printing secrets', async () => {
    const key = 'ms-live-DISTINCTIVE-0042-secret';
    const secret = 's3-secret-DISTINCTIVE-0043';
    const project = join(dir, 'project');
    await run('mkdir', ['-p', project]);
    await writeFile(join(project, '.env'), `MAXSTUDIO_API_KEY=${key}\nS3_SECRET_ACCESS_KEY=${secret}\n`);
    const result = await runCli(['--json', '--yes', 'run', 'anything'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/fetches images by URL from the internet/);
    expect(result.stderr).toMatch(/S3_BUCKET/);
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 2, error: { code: 'usage' } });
  });

  it('the menu needs a terminal (exit 2 with a pointer to the subcommands)', async () => {
    const result = await runCli([], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs a terminal/);
  });
});
