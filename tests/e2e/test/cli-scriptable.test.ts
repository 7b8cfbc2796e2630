import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  cleanEnv,
  ensureCliBuilt,
  parseJson,
  runCli,
  type SandboxProcess,
  samplesDir,
  startSandboxProcess,
} from './helpers/cli-process.js';
import { actualTotals, type LedgerLine, listFiles, readJsonLines, resultPath } from './helpers/cli-workspace.js';

/** A distinctive key: it must never appear in anything the CLI prints or writes. */
const apiKey = 'sk-e2e-cli-DISTINCTIVE-7f3a9c';

describe('studio subcommands with --json against a sandbox in its own process', () => {
  let dir: string;
  let sandbox: SandboxProcess;
  let env: NodeJS.ProcessEnv;
  const outputs: CliResult[] = [];

  const studio = async (...args: string[]): Promise<CliResult> => {
    const result = await runCli(['--json', ...args], { cwd: dir, env });
    outputs.push(result);
    return result;
  };
  const charges = async () => (await sandbox.billing()).charges.length;
  const sample = (name: string) => join(samplesDir, 'targets', name);
  const addSfwTargets = (paths: string) =>
    studio(
      'targets',
      'add',
      'flow',
      paths,
      '--rating',
      'sfw',
      '--origin',
      'bundled samples',
      '--rights',
      'public domain',
    );

  beforeAll(async () => {
    ensureCliBuilt();
    dir = await mkdtemp(join(tmpdir(), 'cli-flow-'));
    sandbox = await startSandboxProcess({ apiKey, jobMs: 200 });
    env = cleanEnv({ MAXSTUDIO_BASE_URL: sandbox.url, MAXSTUDIO_API_KEY: apiKey, STUDIO_WORKSPACE: join(dir, 'ws') });
  }, 60_000);

  afterAll(async () => {
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a model; a name that is not a slug is refused with the rule (exit 2)', async () => {
    const bad = await studio('models', 'create', 'Flow Model');
    expect(bad.code).toBe(2);
    expect(parseJson<{ error: { message: string } }>(bad).error.message).toMatch(/lower-case letters/);
    const created = await studio('models', 'create', 'flow', '--min-short-side', '512');
    expect(created.code, created.stderr).toBe(0);
    expect(parseJson<{ model: { name: string } }>(created).model.name).toBe('flow');
  });

  it('refuses to import or run without a consent record (exit 3) and nothing is paid', async () => {
    const sources = await studio('sources', 'add', 'flow', join(samplesDir, 'grace_hopper.jpg'));
    expect(sources.code).toBe(3);
    expect(sources.stderr).toMatch(/no consent record/);
    expect(sources.stderr).toMatch(/studio consent set flow/);
    const run = await studio('--yes', 'run', 'flow', '--ratings', 'sfw');
    expect(run.code).toBe(3);
    expect(parseJson<{ error: { code: string } }>(run).error.code).toBe('consent');
    expect(await charges()).toBe(0);
  });

  it('records consent, then imports sources and targets with per-file results and the face check summary', async () => {
    const consent = await studio(
      'consent',
      'set',
      'flow',
      '--subject',
      'Flow Subject',
      '--adult',
      '--attested-by',
      'operator, ID checked',
      '--ratings',
      'sfw',
      '--uses',
      'swap',
      '--evidence',
      'contracts/flow.pdf',
    );
    expect(consent.code, consent.stderr).toBe(0);
    expect(parseJson<{ consent: { allowedRatings: string[] } }>(consent).consent.allowedRatings).toEqual(['sfw']);

    const sources = await studio('sources', 'add', 'flow', join(samplesDir, 'grace_hopper.jpg'));
    expect(sources.code, sources.stderr).toBe(0);
    const imported = parseJson<{ accepted: number; results: { key: string }[] }>(sources);
    expect(imported.accepted).toBe(1);
    expect(imported.results[0]!.key).toBe('models/flow/source/flow-source-1.jpg');

    const targets = await addSfwTargets(`${sample('astronaut.png')},${sample('coffee.jpg')}`);
    expect(targets.code, targets.stderr).toBe(0);
    const checked = parseJson<{
      faceSummary: string;
      accepted: number;
      results: { name: string; accepted: boolean; reason?: { code: string } }[];
    }>(targets);
    expect(checked.faceSummary).toBe(`Face detected in ${checked.accepted}/2 targets`);
    expect(checked.results.find((result) => result.name === 'coffee.jpg')).toMatchObject({
      accepted: false,
      reason: { code: 'no-face' },
    });
    const config = JSON.parse(await readFile(join(dir, 'ws/models/flow/config.json'), 'utf8'));
    expect(config.targets.sfw[0]).toMatchObject({ rightsStatement: 'public domain' });
  });

  it('refuses targets and runs for a rating the consent does not cover (exit 3), paying nothing', async () => {
    const targets = await studio(
      'targets',
      'add',
      'flow',
      sample('astronaut.png'),
      '--rating',
      'nsfw',
      '--origin',
      'x',
      '--rights',
      'mine',
      '--adults-consented',
    );
    expect(targets.code).toBe(3);
    expect(targets.stderr).toMatch(/rating "nsfw" not in allowed ratings \[sfw\]/);
    const run = await studio('--yes', 'run', 'flow', '--ratings', 'nsfw');
    expect(run.code).toBe(3);
    expect(await charges()).toBe(0);
  });

  it('estimates from the price table', async () => {
    const estimate = await studio('estimate', 'flow');
    expect(estimate.code, estimate.stderr).toBe(0);
    const result = parseJson<{ units: number; estimate: { total: Record<string, number>; note: string } }>(estimate);
    expect(result.units).toBe(1);
    expect(result.estimate.total).toEqual({ credits: 12 });
    expect(result.estimate.note).toMatch(/price table/);
  });

  it('needs --yes to pay without a terminal (exit 2), and stops at the budget (exit 4) before paying', async () => {
    const unconfirmed = await studio('run', 'flow');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const overBudget = await studio('--yes', '--budget', '5', 'run', 'flow');
    expect(overBudget.code, overBudget.stderr).toBe(4);
    expect(await charges()).toBe(0);
  });

  it('runs, labelled as a sandbox; status and costs agree with the emulator’s billing', async () => {
    const run = await studio('--yes', 'run', 'flow');
    expect(run.code, run.stderr).toBe(0);
    const result = parseJson<{
      sandbox: boolean;
      verified: string;
      summary: { succeeded: number; spent: Record<string, number>; outputs: string[] };
    }>(run);
    expect(result.sandbox).toBe(true);
    expect(result.verified).toBe('1/1 units verified');
    expect(run.stderr).toMatch(/SANDBOX/);
    expect(result.summary.outputs).toEqual(['models/flow/results/sfw/source_1/enhanced/flow-s1-t001-sfw-enhanced.jpg']);
    for (const file of (await listFiles(join(dir, 'ws'))).filter((file) => file.includes('/results/'))) {
      expect(file).toMatch(resultPath);
    }
    const billing = await sandbox.billing();
    expect(billing.charges.map((charge) => charge.operation).sort()).toEqual(['enhance', 'swap']);
    const billed = billing.charges.reduce((sum, charge) => sum + charge.credits, 0);
    const ledger = await readJsonLines<LedgerLine>(join(dir, 'ws/models/flow/costs.jsonl'));
    expect(actualTotals(ledger)).toEqual({ credits: billed });
    expect(result.summary.spent).toEqual({ credits: billed });

    const status = parseJson<{ status: { done: string[]; pending: string[]; uncertain: string[] } }>(
      await studio('status', 'flow'),
    );
    expect(status.status.done.sort()).toEqual(['flow:s1:t001:sfw:enhanced', 'flow:s1:t001:sfw:swapped']);
    expect(status.status.uncertain).toEqual([]);
    const costs = parseJson<{ summary: { totals: { unitOfAccount: string; actual: number }[] } }>(
      await studio('costs', 'flow'),
    );
    expect(costs.summary.totals).toEqual([expect.objectContaining({ unitOfAccount: 'credits', actual: billed })]);

    const again = parseJson<{ summary: { skipped: number; spent: Record<string, number> }; verified: string }>(
      await studio('--yes', 'run', 'flow'),
    );
    expect(again.summary.skipped).toBe(1);
    expect((await sandbox.billing()).charges).toHaveLength(billing.charges.length);
  });

  it('reports a failed swap with its reason (exit 6), stops on insufficient credits (exit 5), then resumes', async () => {
    const added = await addSfwTargets(sample('grace_hopper_tilt25.jpg'));
    expect(added.code, added.stderr).toBe(0);

    await sandbox.setFaults({ rules: [{ kind: 'job-fails', on: 'swap', times: 1 }] });
    const failed = await studio('--yes', 'run', 'flow');
    expect(failed.code, failed.stderr).toBe(6);
    const failedRun = parseJson<{
      summary: { failed: { unitId: string; stage: string; message: string }[]; skipped: number };
    }>(failed);
    expect(failedRun.summary.skipped).toBe(1);
    expect(failedRun.summary.failed).toEqual([
      expect.objectContaining({ unitId: 'flow:s1:t002:sfw', stage: 'swap', message: expect.any(String) }),
    ]);

    await sandbox.setFaults({ insufficientCreditsAfter: (await sandbox.billing()).charges.length });
    const broke = await studio('--yes', 'run', 'flow');
    expect(broke.code, broke.stderr).toBe(5);
    expect(parseJson<{ summary: { outcome: string } }>(broke).summary.outcome).toBe('insufficient-credits');

    await sandbox.setFaults({});
    const resumed = await studio('--yes', 'resume', 'flow');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(parseJson<{ verified: string }>(resumed).verified).toBe('2/2 units verified');
    const billing = await sandbox.billing();
    const ledger = await readJsonLines<LedgerLine>(join(dir, 'ws/models/flow/costs.jsonl'));
    const actual = ledger.filter((entry) => entry.kind === 'actual' || entry.kind === 'uncertain');
    expect(actual.reduce((sum, entry) => sum + entry.amount, 0)).toBe(
      billing.charges.reduce((sum, charge) => sum + charge.credits, 0),
    );
  });

  it('never prints or writes the API key', async () => {
    for (const output of outputs) {
      expect(output.stdout).not.toContain(apiKey);
      expect(output.stderr).not.toContain(apiKey);
    }
    for (const file of await listFiles(dir)) {
      expect((await readFile(join(dir, file))).toString('latin1'), file).not.toContain(apiKey);
    }
  });
});
