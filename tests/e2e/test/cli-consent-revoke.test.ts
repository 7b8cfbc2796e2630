import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  cleanEnv,
  cliBin,
  ensureCliBuilt,
  parseJson,
  runCli,
  type SandboxProcess,
  samplesDir,
  startSandboxProcess,
} from './helpers/cli-process.js';
import { listFiles } from './helpers/cli-workspace.js';

const apiKey = 'sandbox-revoke-key';

/** A `studio` process started in the background, as in a second shell, whose output can be watched. */
interface LiveCli {
  child: ChildProcess;
  output(): string;
  /** Resolves once stdout or stderr matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  done: Promise<CliResult>;
}

function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): LiveCli {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const watcher of [...watchers]) {
      if (!watcher.pattern.test(stdout + stderr)) continue;
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    check();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    output: () => stdout + stderr,
    done,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        watchers.push({ pattern, resolve });
        check();
        done.then((result) =>
          reject(
            new Error(
              `studio ${args.join(' ')} exited (${result.code}) before printing ${pattern}:\n${stdout}${stderr}`,
            ),
          ),
        );
      }),
  };
}

describe('studio consent revoke --delete-data while `studio run` processes the model in another process', () => {
  let dir: string;
  let sandbox: SandboxProcess;
  let env: NodeJS.ProcessEnv;
  const studio = (...args: string[]) => runCli(args, { cwd: dir, env });
  const modelFiles = (model: string) => listFiles(join(dir, 'ws', 'models', model));

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-revoke-'));
    // Each swap and enhance job takes 0.8 s, so a run of four units lasts several seconds.
    sandbox = await startSandboxProcess({ apiKey, jobMs: 800 });
    env = cleanEnv({ MAXSTUDIO_BASE_URL: sandbox.url, MAXSTUDIO_API_KEY: apiKey, STUDIO_WORKSPACE: join(dir, 'ws') });
    for (const model of ['gone', 'kept', 'busy']) {
      for (const args of [
        ['models', 'create', model, '--min-short-side', '512'],
        ['consent', 'set', model, '--subject', 'Subject', '--adult', '--attested-by', 'operator', '--evidence', 'doc'],
        ['sources', 'add', model, join(samplesDir, 'grace_hopper.jpg')],
        [
          'targets',
          'add',
          model,
          join(samplesDir, 'targets'),
          '--rating',
          'sfw',
          '--origin',
          'samples',
          '--rights',
          'public domain',
        ],
      ]) {
        const result = await studio(...args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stops the run (exit 3), waits for it, then deletes every photo and result (exit 0)', async () => {
    const run = startCli(['--yes', '--concurrency', '1', 'run', 'gone'], dir, env);
    await run.waitFor(/\(1\/\d+\)/); // the first unit is stored; the run goes on with the next
    const order: string[] = [];
    run
      .waitFor(/Outcome:/)
      .then(() => order.push('run summary printed'))
      .catch(() => {}); // a missing summary fails the assertions below
    const revoke = await studio('--yes', 'consent', 'revoke', 'gone', '--reason', 'withdrew', '--delete-data');
    order.push('revoke exited');
    const ran = await run.done;

    expect(revoke.code, revoke.stdout + revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(
      `Consent revoked. A run of gone is in progress in process ${run.child.pid}; waiting for it to stop before deleting…`,
    );
    expect(revoke.stdout).toMatch(/Deleted [1-9]\d* file\(s\)/);
    expect(ran.code, ran.stdout + ran.stderr).toBe(3);
    expect(ran.stdout).toMatch(/Outcome: consent-revoked/);
    // The bug this guards against: deleting under the run made its next units fail on missing files.
    expect(ran.stdout + ran.stderr).not.toMatch(/does not exist/);
    expect(order).toEqual(['run summary printed', 'revoke exited']);

    // No sources, targets, results or journal left: only the revoked record and the cost ledger, kept as evidence.
    expect(await modelFiles('gone')).toEqual(['config.json', 'costs.jsonl']);
    const config = JSON.parse(await readFile(join(dir, 'ws', 'models', 'gone', 'config.json'), 'utf8'));
    expect(config.consent.revokedReason).toBe('withdrew');
  }, 60_000);

  it('--wait 0: consent is revoked at once, nothing is deleted, exit 8 (model busy)', async () => {
    const before = await modelFiles('busy');
    const run = startCli(['--yes', '--concurrency', '1', 'run', 'busy'], dir, env);
    await run.waitFor(/\(1\/\d+\)/);
    const revoke = await studio(
      '--json',
      '--yes',
      'consent',
      'revoke',
      'busy',
      '--reason',
      'withdrew',
      '--delete-data',
      '--wait',
      '0',
    );
    expect(revoke.code, revoke.stdout + revoke.stderr).toBe(8);
    const result = parseJson<{ error: { code: string; message: string }; dataDeleted: boolean }>(revoke);
    expect(result.error.code).toBe('model-busy');
    expect(result.dataDeleted).toBe(false);
    const ran = await run.done;
    expect(ran.code, ran.stdout + ran.stderr).toBe(3);
    const after = await modelFiles('busy');
    for (const file of before) expect(after).toContain(file);
  }, 60_000);

  it('Ctrl-C while waiting: consent stays revoked, nothing is deleted, and the hint finishes the job', async () => {
    const before = await modelFiles('kept');
    const run = startCli(['--yes', '--concurrency', '1', 'run', 'kept'], dir, env);
    await run.waitFor(/\(1\/\d+\)/);
    const revoke = startCli(
      ['--json', '--yes', 'consent', 'revoke', 'kept', '--reason', 'withdrew by email', '--delete-data'],
      dir,
      env,
    );
    await revoke.waitFor(/waiting for it to stop before deleting/);
    revoke.child.kill('SIGINT');
    const interrupted = await revoke.done;
    expect(interrupted.code, interrupted.stdout + interrupted.stderr).toBe(130);
    // --json: one JSON document on stdout, shaped like every error.
    const result = parseJson<{ error: { code: string; message: string }; dataDeleted: boolean; exitCode: number }>(
      interrupted,
    );
    expect(result.error.code).toBe('model-busy');
    expect(result.dataDeleted).toBe(false);
    expect(result.exitCode).toBe(130);
    expect(result.error.message).toContain('IS revoked');
    expect(result.error.message).toContain('NOT deleted');
    expect(result.error.message).toContain('studio consent revoke kept --reason "withdrew by email" --delete-data');

    // The revocation alone stops the run; everything it had is still there.
    const ran = await run.done;
    expect(ran.code, ran.stdout + ran.stderr).toBe(3);
    expect(ran.stdout).toMatch(/Outcome: consent-revoked/);
    const afterRun = await modelFiles('kept');
    for (const file of before) expect(afterRun).toContain(file);
    expect(afterRun.some((file) => file.startsWith('results/'))).toBe(true);

    // The hint, run once the run has stopped, deletes at once.
    const again = await studio(
      '--json',
      '--yes',
      'consent',
      'revoke',
      'kept',
      '--reason',
      'withdrew by email',
      '--delete-data',
    );
    expect(again.code, again.stderr).toBe(0);
    const deleted = parseJson<{ deletedKeys: number; consent: { revokedReason: string } }>(again);
    expect(deleted.deletedKeys).toBe(afterRun.length - 2);
    expect(deleted.consent.revokedReason).toBe('withdrew by email');
    expect(await modelFiles('kept')).toEqual(['config.json', 'costs.jsonl']);
  }, 60_000);
});
