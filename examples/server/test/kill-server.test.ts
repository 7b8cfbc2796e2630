import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio, LocalStorage, type ModelStatus, openWorkspace } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Child,
  ledgerActuals,
  listening,
  prepareWorkspace,
  sandboxBilling,
  startSandboxProcess,
  startServerProcess,
} from './server-processes.js';

const UNITS = 12;

/** The model's status through the Studio's read-only view (a studio with no adapters pays nothing). */
async function modelStatus(root: string, model: string): Promise<ModelStatus> {
  const workspace = await openWorkspace({ root, storage: new LocalStorage({ root }) });
  const studio = createStudio({ workspace });
  try {
    return await studio.status(model);
  } finally {
    await studio.close();
    await workspace.close();
  }
}

describe('kill -9 of the server mid-run (server from dist, MaxStudio sandbox in its own process)', () => {
  let root: string;
  let sandbox: Awaited<ReturnType<typeof startSandboxProcess>>;
  let server: (Child & { ready: string }) | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'studio-server-kill-'));
    sandbox = await startSandboxProcess({
      stateFile: join(root, 'sandbox-state', 'maxstudio-state.jsonl'),
      credits: 1_000_000,
      jobDurations: { swap: { pendingMs: 20, runningMs: 250 }, enhance: { pendingMs: 20, runningMs: 300 } },
    });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await sandbox?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a run killed with SIGKILL finishes after a restart, once, with the ledger equal to the sandbox bill', async () => {
    const model = 'killed';
    const { key } = await prepareWorkspace(root, model, UNITS);
    const env = { STUDIO_WORKSPACE: root, PORT: '0', MAXSTUDIO_BASE_URL: sandbox.url };
    server = await startServerProcess(['start'], env, listening);
    const api = async (url: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const started = await api(server.ready, 'POST', `/v1/models/${model}/runs`, {});
    expect(started.status).toBe(202);
    const jobId = started.body.id as string;

    // Kill once the sandbox has billed a few operations: some units done, some jobs in flight.
    while ((await sandboxBilling(sandbox.url)).length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    // Not right at a charge (its journal line may be a few ms behind): while the accepted jobs run at the sandbox.
    await new Promise((resolve) => setTimeout(resolve, 120));
    server.child.kill('SIGKILL');
    expect((await server.exited()).signal).toBe('SIGKILL');
    const billedAtKill = (await sandboxBilling(sandbox.url)).length;
    expect(billedAtKill).toBeLessThan(UNITS * 2);

    server = await startServerProcess(['start'], env, listening);
    let job: Record<string, any> = {};
    const until = Date.now() + 120_000;
    while (!['completed', 'failed', 'stopped', 'cancelled'].includes(job.state)) {
      if (Date.now() > until) throw new Error(`job still ${job.state}:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await api(server.ready, 'GET', `/v1/jobs/${jobId}`)).body;
    }
    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    expect(job.attempts).toBe(2);
    // The restarted run skips what was done and reattaches what was in flight; a submission the kill cut between its
    // `submitting` line and its job id is left uncertain (settled below), never paid again silently.
    const resubmitted = (job.result.uncertain as string[]).length;
    expect(job.result.skipped + job.result.succeeded + resubmitted).toBe(UNITS);
    expect(job.result.sandbox).toBe(true);
    if (resubmitted > 0) {
      // The kill fell between a submission and its journal line: the user settles it by resubmitting (counted as
      // possible double payment), never silently.
      const resumed = await api(server.ready, 'POST', `/v1/models/${model}/resume`, { resubmitUncertain: true });
      expect(resumed.status).toBe(202);
      while (!['completed', 'failed', 'stopped', 'cancelled'].includes(job.state) || job.id !== resumed.body.id) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = (await api(server.ready, 'GET', `/v1/jobs/${resumed.body.id}`)).body;
      }
      expect(job.state).toBe('completed');
      expect(job.result).toMatchObject({ succeeded: resubmitted, skipped: UNITS - resubmitted, uncertain: [] });
    }
    // One run job for the model: the restart took it over rather than starting another.
    const jobs = (await api(server.ready, 'GET', `/v1/jobs?model=${model}`)).body.jobs as { type: string }[];
    expect(jobs.filter((j) => j.type === 'run')).toHaveLength(1);

    const status = await modelStatus(root, model);
    expect(status.units).toMatchObject({ total: UNITS, done: UNITS });
    const bill = await sandboxBilling(sandbox.url);
    const actual = await ledgerActuals(root, model);
    const billed = bill.reduce((sum, charge) => sum + charge.credits, 0);
    const ledgered = actual.reduce((sum, line) => sum + line.amount, 0);
    console.log(
      `kill test: killed after ${billedAtKill} charges; ${bill.length} charges for ${UNITS * 2} paid ops; ` +
        `sandbox billed ${billed} credits, ledger actual ${ledgered}`,
    );
    expect(new Set(actual.map((line) => line.jobId)).size).toBe(actual.length);
    const billedJobs = new Set(bill.map((charge) => charge.jobId));
    for (const line of actual) expect(billedJobs.has(line.jobId)).toBe(true);
    if (resubmitted === 0) {
      expect(billedJobs).toEqual(new Set(actual.map((line) => line.jobId)));
      expect(bill).toHaveLength(UNITS * 2);
      expect(ledgered).toBe(billed);
    } else {
      // A resubmitted uncertain op may have been billed twice: the ledger counted it as uncertain, never as actual.
      expect(bill.length).toBeLessThanOrEqual(UNITS * 2 + resubmitted);
      expect(billed).toBeGreaterThanOrEqual(ledgered);
    }
  }, 300_000);
});
