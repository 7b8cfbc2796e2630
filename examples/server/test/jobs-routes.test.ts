import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobsServer, startJobsServer, testConsent } from './jobs-rig.js';

describe('job routes over HTTP (embedded queue, MaxStudio sandbox)', () => {
  let rig: JobsServer;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  beforeAll(async () => {
    rig = await startJobsServer();
    alice = await rig.user('alice');
    bob = await rig.user('bob');
    await rig.model(alice.id, 'andie', { targets: 2 });
    await rig.model(alice.id, 'nocon', { targets: 1, consent: { ...testConsent(), allowedRatings: ['nsfw'] } });
    await rig.model(alice.id, 'busy', { targets: 3 });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('runs a model as a job: 202, then completed with the summary, marked sandbox', async () => {
    const started = await rig.api(alice.key, 'POST', '/v1/models/andie/runs', {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ type: 'run', model: 'andie', owner: alice.id, state: 'queued' });
    const job = await rig.waitForEnd(alice.key, started.body.id);
    expect(job.state).toBe('completed');
    expect(job.result).toMatchObject({ outcome: 'completed', total: 2, succeeded: 2, sandbox: true });
    const listed = await rig.api(alice.key, 'GET', '/v1/jobs?model=andie');
    expect(listed.body.jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    expect((await rig.api(bob.key, 'GET', '/v1/jobs')).body.jobs).toEqual([]);
  });

  it('a second run of the same model is done by the journal: nothing new is run', async () => {
    const again = await rig.api(alice.key, 'POST', '/v1/models/andie/runs', { ratings: ['sfw'] });
    const job = await rig.waitForEnd(alice.key, again.body.id);
    expect(job.result).toMatchObject({ outcome: 'completed', skipped: 2, succeeded: 0 });
  });

  it("answers 404 for another user's model and job, and 400 for a bad body", async () => {
    const other = await rig.api(bob.key, 'POST', '/v1/models/andie/runs', {});
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NotFoundError');
    const mine = (await rig.api(alice.key, 'GET', '/v1/jobs')).body.jobs[0];
    for (const [method, path] of [
      ['GET', `/v1/jobs/${mine.id}`],
      ['POST', `/v1/jobs/${mine.id}/cancel`],
      ['POST', `/v1/jobs/${mine.id}/resume`],
    ] as const) {
      const answer = await rig.api(bob.key, method, path);
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    const bad = await rig.api(alice.key, 'POST', '/v1/models/andie/runs', { sources: [0], extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'ValidationError', status: 400 });
    expect(bad.body.detail).toMatch(/sources|extra/);
  });

  it('fails a job with the typed error when consent does not cover the run', async () => {
    const started = await rig.api(alice.key, 'POST', '/v1/models/nocon/runs', { ratings: ['sfw'] });
    const job = await rig.waitForEnd(alice.key, started.body.id);
    expect(job.state).toBe('failed');
    expect(job.error?.name).toBe('ConsentError');
    expect(job.error?.message).toMatch(/sfw/);
  });

  it('refuses a second job for a model with a job queued or running (409), cancels, then resumes', async () => {
    const first = await rig.api(alice.key, 'POST', '/v1/models/busy/runs', {});
    expect(first.status).toBe(202);
    const second = await rig.api(alice.key, 'POST', '/v1/models/busy/runs', {});
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('ModelBusyError');
    expect(second.body.detail).toContain(first.body.id);
    // Cancel once the run has started a unit: it stops cleanly, in-flight jobs stay journaled.
    for (let seen = false; !seen; ) {
      const job = (await rig.api(alice.key, 'GET', `/v1/jobs/${first.body.id}`)).body;
      seen = job.state === 'running';
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cancelled = await rig.api(alice.key, 'POST', `/v1/jobs/${first.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    const ended = await rig.waitForEnd(alice.key, first.body.id);
    expect(ended.state).toBe('cancelled');
    const resumed = await rig.api(alice.key, 'POST', `/v1/jobs/${first.body.id}/resume`);
    expect(resumed.status).toBe(202);
    const done = await rig.waitForEnd(alice.key, first.body.id);
    expect(done.state).toBe('completed');
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.result).toMatchObject({ outcome: 'completed', total: 3 });
    const status = await rig.api(alice.key, 'GET', `/v1/jobs/${first.body.id}/resume`);
    expect(status.status).toBe(404);
  });

  it('stops a run at its budget (stopped, resumable) and a resume job finishes it', async () => {
    await rig.model(alice.id, 'budget', { targets: 2 });
    const started = await rig.api(alice.key, 'POST', '/v1/models/budget/runs', { budget: 0.001 });
    const job = await rig.waitForEnd(alice.key, started.body.id);
    expect(job.state).toBe('stopped');
    expect(job.error?.name).toBe('JobStoppedError');
    expect(job.error?.message).toMatch(/budget/);
    const resumed = await rig.api(alice.key, 'POST', '/v1/models/budget/resume', {});
    expect(resumed.status).toBe(202);
    const finished = await rig.waitForEnd(alice.key, resumed.body.id);
    expect(finished.state).toBe('completed');
    expect(finished.result).toMatchObject({ outcome: 'completed', total: 2, succeeded: 2 });
  });
});
