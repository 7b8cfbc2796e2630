import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createStudio,
  LocalStorage,
  type ModelCosts,
  type ModelStatus,
  openWorkspace,
  storageKeys,
} from '@model-studio/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLines, exited, seededRandom, spawnTs, startSandboxProcess } from './helpers/child-process.js';
import { samplesDir, sfwConsent } from './helpers/pipeline-rig.js';

const UNITS = 200;
const KILLS = 20;
const SEED = Number(process.env.CRASH_SEED ?? 20261125);

async function prepareWorkspace(root: string, model: string, targets: number): Promise<void> {
  const storage = new LocalStorage({ root });
  const workspace = await openWorkspace({ root, storage });
  await workspace.createModel(model, { thresholds: { minShortSide: 256 } });
  await workspace.setConsent(model, sfwConsent());
  const small = (file: string) => sharp(file).resize(320, 320).jpeg({ quality: 85 }).toBuffer();
  await storage.put(storageKeys.source(model, 1), await small(join(samplesDir, 'grace_hopper.jpg')));
  const target = await small(join(samplesDir, 'targets', 'astronaut.png'));
  for (let n = 1; n <= targets; n++) await storage.put(storageKeys.target(model, 'sfw', n), target);
  await workspace.recordTargets(
    model,
    'sfw',
    Array.from({ length: targets }, (_, i) => ({
      n: i + 1,
      origin: 'samples/astronaut.png',
      rightsStatement: 'public domain (NASA)',
    })),
  );
}

async function billing(url: string): Promise<{ charges: { jobId: string; credits: number; operation: string }[] }> {
  return (await fetch(`${url}/__sandbox/billing`)).json() as Promise<{
    charges: { jobId: string; credits: number; operation: string }[];
  }>;
}

function runRunner(config: object) {
  const child = spawnTs('studio-runner.ts', { RUNNER_CONFIG: JSON.stringify(config) });
  return { child, output: collectLines(child) };
}

/** The model's status and costs through the Studio's read-only views (a studio with no adapters pays nothing). */
async function readRecords(root: string, model: string): Promise<{ status: ModelStatus; costs: ModelCosts }> {
  const workspace = await openWorkspace({ root, storage: new LocalStorage({ root }) });
  const studio = createStudio({ workspace });
  try {
    return { status: await studio.status(model), costs: await studio.costs(model, { by: [] }) };
  } finally {
    await studio.close();
    await workspace.close();
  }
}

describe('crash safety of a real run (runner and sandbox in their own processes)', () => {
  let root: string;
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'studio-crash-'));
    sandbox = await startSandboxProcess({
      credits: 1_000_000,
      jobDurations: { swap: { pendingMs: 20, runningMs: 80 }, enhance: { pendingMs: 20, runningMs: 120 } },
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it(`a ${UNITS}-unit run killed ${KILLS} times with SIGKILL and resumed finishes with no charge lost or doubled`, async () => {
    const model = 'crash';
    await prepareWorkspace(root, model, UNITS);
    const random = seededRandom(SEED);
    const config = { root, model, sandboxUrl: sandbox.url, concurrency: 8 };
    console.log(`crash test seed ${SEED} (set CRASH_SEED to change)`);
    for (let kill = 0; kill < KILLS; kill++) {
      const { child, output } = runRunner(config);
      const moment = 400 + Math.floor(random() * 3600);
      const timer = setTimeout(() => child.kill('SIGKILL'), moment);
      const { signal, code } = await exited(child);
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        // The run finished before the kill: fine, as long as it ended cleanly.
        expect(code, output.stderr()).toBe(0);
      }
      // After every kill both files read (a torn last line is skipped, not repaired) and nothing charged is lost.
      const { status } = await readRecords(root, model);
      // Every job the journal would reattach is one the sandbox really accepted (and billed).
      const billedJobs = new Set((await billing(sandbox.url)).charges.map((c) => c.jobId));
      for (const job of status.inFlight) expect(billedJobs.has(job.jobId)).toBe(true);
    }

    const last = runRunner({ ...config, resubmitUncertain: true });
    const { code } = await exited(last.child);
    expect(code, last.output.stderr()).toBe(0);
    const summary = last.output.lines.find((line) => line.type === 'summary')?.summary as {
      outcome: string;
      failed: unknown[];
    };
    expect(summary.outcome).toBe('completed');
    expect(summary.failed).toEqual([]);

    const records = await readRecords(root, model);
    expect(records.status.done).toHaveLength(UNITS * 2);
    expect(records.status.units).toMatchObject({ total: UNITS, done: UNITS });
    const enhancedOnDisk = await Promise.all(
      Array.from({ length: UNITS }, (_, i) =>
        readFile(
          join(root, storageKeys.result({ model, source: 1, target: i + 1, rating: 'sfw', stage: 'enhanced' })),
        ).then(() => 1),
      ),
    );
    expect(enhancedOnDisk).toHaveLength(UNITS);

    const totals = records.costs.summary.totals.find((row) => row.unitOfAccount === 'credits')!;
    const lines = (await readFile(join(root, 'models', model, 'costs.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const actualJobs = new Set(lines.filter((l) => l.kind === 'actual').map((l) => l.jobId));
    const bill = await billing(sandbox.url);
    const billed = bill.charges.reduce((sum, c) => sum + c.credits, 0);
    const paidTwice = bill.charges.filter((c) => !actualJobs.has(c.jobId)).length;
    console.log(
      `crash test: ${KILLS} kills, ${bill.charges.length} charges for ${UNITS * 2} paid ops; ledger actual ${totals.actual}, ` +
        `uncertain ${totals.uncertain}, sandbox billed ${billed}; ops paid twice: ${paidTwice}`,
    );
    // Every charge the sandbox made is in the ledger as actual or as uncertain; none is counted twice.
    expect(actualJobs.size).toBe(lines.filter((l) => l.kind === 'actual').length);
    expect(billed).toBeGreaterThanOrEqual(totals.actual);
    expect(billed).toBeLessThanOrEqual(totals.actual + totals.uncertain);
    const unmatched = bill.charges.filter((c) => !actualJobs.has(c.jobId)).reduce((sum, c) => sum + c.credits, 0);
    expect(unmatched).toBeLessThanOrEqual(totals.uncertain);
    // Every actual charge in the ledger is a job the sandbox really billed.
    const billedJobs = new Set(bill.charges.map((c) => c.jobId));
    for (const jobId of actualJobs) expect(billedJobs.has(jobId)).toBe(true);
  }, 600_000);
});

describe('seeded faults (sandbox in its own process)', () => {
  it('with 10% faults (429, 5xx, dropped before acceptance, malformed poll bodies) every unit finishes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'studio-faults-'));
    const sandbox = await startSandboxProcess({
      jobDurations: { swap: { pendingMs: 10, runningMs: 40 }, enhance: { pendingMs: 10, runningMs: 40 } },
      faults: {
        seed: SEED,
        rules: [
          { kind: 'rate-limit', probability: 0.03, retryAfter: '1' },
          { kind: 'server-error', probability: 0.03, status: 503 },
          { kind: 'drop-before-accept', probability: 0.02 },
          { kind: 'malformed-json', on: ['swap-status', 'enhance-status'], probability: 0.02 },
        ],
      },
    });
    try {
      const model = 'faulty';
      const units = 40;
      await prepareWorkspace(root, model, units);
      const run = runRunner({ root, model, sandboxUrl: sandbox.url, concurrency: 8 });
      const { code } = await exited(run.child);
      expect(code, run.output.stderr()).toBe(0);
      type Summary = { outcome: string; succeeded: number; failed: unknown[]; uncertain: string[] };
      const first = run.output.lines.find((line) => line.type === 'summary')?.summary as Summary;
      // Units left uncertain make the run `incomplete` (a non-zero exit in the CLI), never `completed`.
      expect(first.outcome).toBe(first.uncertain.length > 0 ? 'incomplete' : 'completed');
      expect(first.failed).toEqual([]);
      expect(first.succeeded + first.uncertain.length).toBe(units);

      // The user approves resubmitting the uncertain ones (counted as possible double payment), again while some are
      // left: the faults stay on, so a resubmission can itself be dropped and be uncertain again. Every unit finishes.
      let { succeeded, uncertain } = first;
      let uncertainRuns = first.uncertain.length;
      for (let approvals = 1; uncertain.length > 0; approvals++) {
        expect(approvals, `still uncertain after ${approvals - 1} approvals: ${uncertain.join(', ')}`).toBeLessThan(6);
        const again = runRunner({ root, model, sandboxUrl: sandbox.url, concurrency: 8, resubmitUncertain: true });
        expect((await exited(again.child)).code, again.output.stderr()).toBe(0);
        const next = again.output.lines.find((line) => line.type === 'summary')?.summary as Summary;
        expect(next.failed).toEqual([]);
        expect(next.outcome).toBe(next.uncertain.length > 0 ? 'incomplete' : 'completed');
        succeeded += next.succeeded;
        uncertain = next.uncertain;
        uncertainRuns += next.uncertain.length;
      }
      expect(succeeded).toBe(units);
      const { requests } = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
        requests: { fault?: string; route: string }[];
      };
      const faults = requests.filter((r) => r.fault).length;
      // A connection dropped on a POST cannot be told apart from one dropped after the job was accepted: such units
      // are uncertain and wait for the user. No other fault leaves a unit unfinished.
      const droppedPosts = requests.filter(
        (r) => r.fault === 'drop-before-accept' && (r.route === 'swap' || r.route === 'enhance'),
      ).length;
      expect(uncertainRuns).toBeLessThanOrEqual(droppedPosts);
      console.log(
        `fault test: ${requests.length} requests, ${faults} faults injected, ${first.succeeded}/${units} units done in the first run, ` +
          `${first.uncertain.length} uncertain (dropped POSTs) resubmitted on approval (${uncertainRuns} uncertain in all); ${units}/${units} done`,
      );
      expect(faults).toBeGreaterThan(0);
      const bill = await billing(sandbox.url);
      // Drops before acceptance charge nothing, so each op was billed exactly once.
      expect(bill.charges).toHaveLength(units * 2);
    } finally {
      await sandbox.stop();
      await rm(root, { recursive: true, force: true });
    }
  }, 300_000);
});
