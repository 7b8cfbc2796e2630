/**
 * Money and data safety through real processes (issue "Phase 1 money and data safety", items 1, 2, 3, 6 and 7): the
 * `studio` CLI against a MaxStudio sandbox in its own process (or the CLI's in-process sandbox with its state file),
 * on real files, with a real full file system (a tmpfs mounted for the test) where a storage must fail.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  ensureCliBuilt,
  parseJson,
  prepareSampleModel,
  runAndInterrupt,
  runCli,
  type SandboxProcess,
  startSandboxProcess,
} from './helpers/cli-process.js';

const apiKey = 'sandbox-money-key';

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('money on stops, uncertain units, readers and storage failures (CLI + sandbox process)', () => {
  let dir: string;
  let sandbox: SandboxProcess;
  let env: NodeJS.ProcessEnv;
  const ws = () => join(dir, 'ws');
  const studio = (...args: string[]) => runCli(['--workspace', ws(), ...args], { cwd: dir, env });
  const billed = async (from = 0) =>
    (await sandbox.billing()).charges.slice(from).reduce((sum, charge) => sum + charge.credits, 0);
  const ledgerActual = async (model: string) => {
    const costs = parseJson<{ summary: { totals: { actual: number; uncertain: number; reserved: number }[] } }>(
      await studio('--json', 'costs', model),
    );
    return costs.summary.totals[0] ?? { actual: 0, uncertain: 0, reserved: 0 };
  };

  const prepare = (model: string) => prepareSampleModel(model, { cwd: dir, env, args: ['--workspace', ws()] });

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-money-'));
    sandbox = await startSandboxProcess({ apiKey, jobMs: 300 });
    env = cleanEnv({ MAXSTUDIO_BASE_URL: sandbox.url, MAXSTUDIO_API_KEY: apiKey });
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a budget runs only the whole units it covers, and the summary shows exactly what the sandbox billed', async () => {
    await prepare('budget');
    const before = (await sandbox.billing()).charges.length;
    // 3 units at 10 + 2 credits: 30 covers two whole units.
    const result = await studio('--yes', '--budget', '30', 'run', 'budget');
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toMatch(/Outcome: budget-exceeded/);
    expect(result.stdout).toMatch(
      /Not run: 1 unit\(s\) the budget does not cover whole \(nothing paid for them\): budget:s1:t\d+:sfw/,
    );
    expect(result.stdout).toMatch(/Credits used: 24 credits/);
    expect(await billed(before)).toBe(24);
    expect(await ledgerActual('budget')).toMatchObject({ actual: 24, reserved: 0, uncertain: 0 });
  });

  it('Ctrl-C: the summary counts the jobs accepted and left in flight; resume pays nothing twice', async () => {
    await prepare('stop');
    const before = (await sandbox.billing()).charges.length;
    const stopped = await runAndInterrupt(
      ['--workspace', ws(), '--yes', '--concurrency', '2', 'run', 'stop'],
      dir,
      env,
    );
    expect(stopped.code, stopped.stderr).toBe(130);
    // Never "0 credits" when the sandbox billed something: charged + in flight + uncertain covers every charge.
    const used = Number(/Credits used: ([\d.]+) credits/.exec(stopped.stdout)?.[1]);
    expect(used, stopped.stdout).toBe(await billed(before));
    expect(used).toBeGreaterThan(0);
    const resumed = await studio('--json', '--yes', 'resume', 'stop');
    expect(resumed.code, resumed.stderr).toBe(0);
    const charges = (await sandbox.billing()).charges.slice(before);
    expect(charges.filter((charge) => charge.operation === 'swap')).toHaveLength(3);
    expect(charges.filter((charge) => charge.operation === 'enhance')).toHaveLength(3);
    expect((await ledgerActual('stop')).actual).toBe(await billed(before));
  });

  it('units left uncertain make the run incomplete (exit 6), never "completed"', async () => {
    await prepare('lost');
    await sandbox.setFaults({ rules: [{ kind: 'drop-after-accept', on: 'swap', times: 1 }] });
    try {
      const result = await studio('--yes', '--concurrency', '1', 'run', 'lost');
      expect(result.code, result.stdout + result.stderr).toBe(6);
      expect(result.stdout).toMatch(/Outcome: incomplete/);
      expect(result.stdout).toMatch(/Uncertain: 1 submission/);
      expect(result.stdout).toMatch(/--attach <stage-id>=<job-id>/);
      // Resubmitting says how much may be paid twice and needs an explicit yes (no terminal here: --yes).
      const before = (await sandbox.billing()).charges.length;
      const asked = await studio('--concurrency', '1', 'resume', 'lost', '--resubmit-uncertain');
      expect(asked.code).toBe(2);
      expect(asked.stderr + asked.stdout).toMatch(/up to 10 credits is paid twice/);
      expect((await sandbox.billing()).charges).toHaveLength(before);
    } finally {
      await sandbox.setFaults({ rules: [] });
    }
  });

  it('`studio costs` and `studio status` never write the files they read, while another process holds the run', async () => {
    await prepare('read');
    const run = await studio('--yes', 'run', 'read');
    expect(run.code, run.stderr).toBe(0);
    const modelDir = join(ws(), 'models', 'read');
    await appendFile(join(modelDir, 'progress.jsonl'), '{"type":"submitting","unitId":"read:s1:t0');
    await appendFile(join(modelDir, 'costs.jsonl'), '{"kind":"reserved","model":"re');
    const files = [join(modelDir, 'progress.jsonl'), join(modelDir, 'costs.jsonl')];
    const before = await Promise.all(files.map(sha256));
    for (const holdLock of [false, true]) {
      let holder: ChildProcess | undefined;
      if (holdLock) {
        // A live process holding the model's run lock, as a run in another terminal does.
        holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        await writeFile(join(modelDir, 'run.lock'), `${holder.pid}\n`);
      }
      try {
        const costs = await studio('--json', 'costs', 'read');
        expect(costs.code, costs.stderr).toBe(0);
        expect(parseJson<{ summary: { totals: { actual: number }[] } }>(costs).summary.totals[0]?.actual).toBe(36);
        const status = await studio('--json', 'status', 'read');
        expect(status.code, status.stderr).toBe(0);
        expect(parseJson<{ status: { units: { done: number } } }>(status).status.units.done).toBe(3);
      } finally {
        holder?.kill('SIGKILL');
        if (holdLock) await rm(join(modelDir, 'run.lock'), { force: true });
      }
      expect(await Promise.all(files.map(sha256))).toEqual(before);
    }
  });

  it('a full disk under results stops new submissions (exit 7); resume finishes without paying twice', async () => {
    const model = 'full';
    await prepare(model);
    const results = join(ws(), 'models', model, 'results');
    await mkdir(results, { recursive: true });
    // A real full file system: a tmpfs too small for more than a result or two.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', results]);
    try {
      const before = (await sandbox.billing()).charges.length;
      const stopped = await studio('--yes', '--concurrency', '1', 'run', model);
      expect(stopped.code, stopped.stdout + stopped.stderr).toBe(7);
      expect(stopped.stdout).toMatch(/Outcome: storage-failed/);
      const boughtWhileFull = (await sandbox.billing()).charges.length - before;
      // It stopped at the first failure that will repeat: not one paid swap per remaining unit.
      expect(boughtWhileFull).toBeLessThanOrEqual(3);
      execFileSync('mount', ['-o', 'remount,size=64m', results]);
      const resumed = await studio('--yes', 'resume', model);
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      const charges = (await sandbox.billing()).charges.slice(before);
      expect(charges.filter((charge) => charge.operation === 'swap')).toHaveLength(3);
      expect(charges.filter((charge) => charge.operation === 'enhance')).toHaveLength(3);
      expect((await ledgerActual(model)).actual).toBe(await billed(before));
    } finally {
      execFileSync('umount', ['-l', results]);
    }
  });
});

describe('the in-process sandbox keeps its jobs across restarts (`studio --sandbox`)', () => {
  let dir: string;
  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-sandbox-state-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Ctrl-C then `studio --sandbox resume` reattaches the jobs and the ledger equals the sandbox billing', async () => {
    const env = cleanEnv();
    const ws = join(dir, 'ws');
    const run = (...args: string[]) => runCli(['--workspace', ws, ...args], { cwd: dir, env });
    await prepareSampleModel('keep', { cwd: dir, env, args: ['--workspace', ws] });
    const stopped = await runAndInterrupt(
      ['--workspace', ws, '--sandbox', '--yes', '--concurrency', '2', 'run', 'keep'],
      dir,
      env,
    );
    expect(stopped.code, stopped.stderr).toBe(130);
    const resumed = await run('--sandbox', '--yes', '--json', 'resume', 'keep');
    expect(resumed.code, resumed.stderr).toBe(0);
    // The sandbox's own record of what it charged, kept in the workspace (sandbox credits only).
    const state = (await readFile(join(ws, '.sandbox', 'maxstudio-state.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(state[0]!)).toMatchObject({ sandbox: true });
    const jobs = state
      .slice(1)
      .map((line) => JSON.parse(line))
      .filter((line) => line.type === 'job');
    expect(jobs.filter((job) => job.operation === 'swap')).toHaveLength(3);
    expect(jobs.filter((job) => job.operation === 'enhance')).toHaveLength(3);
    const costs = parseJson<{ summary: { totals: { actual: number; uncertain: number }[] } }>(
      await run('--json', 'costs', 'keep'),
    );
    const billedCredits = jobs.reduce((sum, job) => sum + job.credits, 0);
    expect(costs.summary.totals[0]).toMatchObject({ actual: billedCredits, uncertain: 0 });
  });
});
