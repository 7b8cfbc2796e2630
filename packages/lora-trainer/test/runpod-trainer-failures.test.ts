import { BudgetExceededError, ProviderError, ValidationError } from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetPrefix, type RunpodHarness, runpodHarness, testConfig } from './runpod-harness.js';

const request = { model: 'andie', datasetPrefix, config: testConfig };

/** Every failure path ends with no pod left running in the sandbox. */
describe('RunpodTrainer failure paths: the pod is always terminated', () => {
  let h: RunpodHarness;
  beforeEach(async () => {
    h = await runpodHarness();
  });
  afterEach(async () => {
    expect(h.sandbox.livePods()).toEqual([]);
    await h.close();
  });

  it('training fails (and the pod does not delete itself)', async () => {
    h.sandbox.injectPodFault({ kind: 'fails', atStep: 4 });
    const trainer = h.trainer();
    const job = await trainer.start({ ...request, runId: 'fails' });
    const error = await trainer.wait(job).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.reason).toBe('job-failed');
    expect((error as Error).message).toContain('CUDA out of memory');
    expect(h.events.at(-1)).toMatchObject({ type: 'job-end', status: 'failed' });
    expect(h.sandbox.created[0]!.logs.some((line) => line.line.includes('terminated by the account key'))).toBe(true);
  });

  it('timeout: maxDurationSeconds', async () => {
    const trainer = h.trainer({ maxDurationSeconds: 120 });
    const job = await trainer.start({ ...request, config: { ...testConfig, max_train_steps: 100_000 }, runId: 'slow' });
    const error = await trainer.wait(job).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.reason).toBe('timeout');
    expect((error as Error).message).toContain('maxDurationSeconds (120 s)');
  });

  it('abort (Ctrl-C) while training', async () => {
    const trainer = h.trainer();
    const job = await trainer.start({
      ...request,
      config: { ...testConfig, max_train_steps: 100_000 },
      runId: 'abort',
    });
    const controller = new AbortController();
    const waiting = trainer.wait(job, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress' && (event.progress.step ?? 0) > 0) controller.abort(new Error('Ctrl-C'));
      },
    });
    await expect(waiting).rejects.toThrow('Ctrl-C');
    expect(h.events.at(-1)).toMatchObject({ type: 'job-end', status: 'cancelled' });
  });

  it('budget stop', async () => {
    const trainer = h.trainer({ budgetUsd: 0.02 });
    const job = await trainer.start({
      ...request,
      config: { ...testConfig, max_train_steps: 100_000 },
      runId: 'budget',
    });
    const error = await trainer.wait(job).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect((error as BudgetExceededError).unit).toBe('USD');
    expect((await trainer.cost(job)).final).toBe(true);
  });

  it('out of capacity on the cheapest GPU: the next candidate is used; on every GPU: nothing is created', async () => {
    h.sandbox.injectOutOfCapacity({ gpuIds: ['NVIDIA RTX A5000'] });
    const trainer = h.trainer();
    const job = await trainer.start({ ...request, runId: 'capacity' });
    expect(h.sandbox.created[0]!.request.gpu?.id).toBe('NVIDIA GeForce RTX 4090');
    expect((await trainer.wait(job)).status).toBe('completed');
    h.sandbox.injectOutOfCapacity({ times: 10 });
    const error = await trainer.start({ ...request, runId: 'nocapacity' }).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('could not place a pod on any of');
    expect((error as Error).message).toContain('no longer any instances available');
    expect(h.sandbox.created).toHaveLength(1);
  });

  it('the pod dies (ERROR) mid-training', async () => {
    h.sandbox.injectPodFault({ kind: 'dies', atStep: 3 });
    const trainer = h.trainer();
    const job = await trainer.start({ ...request, runId: 'dies' });
    const error = await trainer.wait(job).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.reason).toBe('job-failed');
    expect((error as Error).message).toContain('ERROR');
  });

  it('the pod is stuck provisioning', async () => {
    h.sandbox.injectPodFault({ kind: 'stuck-provisioning' });
    const trainer = h.trainer({ provisioningTimeoutSeconds: 90 });
    const job = await trainer.start({ ...request, runId: 'stuck' });
    const error = await trainer.wait(job).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.reason).toBe('timeout');
    expect((error as Error).message).toContain('still PROVISIONING after 90 s');
  });

  it('429 and 5xx are retried, and a create whose response was lost finds its pod by name', async () => {
    h.sandbox.injectHttpFault({ status: 429, path: '/v2/catalog/gpus', retryAfterSeconds: 0 });
    h.sandbox.injectHttpFault({ status: 502, method: 'POST', path: '/v2/pods', afterHandling: true });
    h.sandbox.injectHttpFault({ status: 503, method: 'GET', times: 2 });
    h.sandbox.injectHttpFault({ status: 500, method: 'DELETE' });
    const trainer = h.trainer({ selfStopGraceSeconds: 1 });
    h.sandbox.injectPodFault({ kind: 'no-self-delete' });
    const job = await trainer.start({ ...request, runId: 'retries' });
    expect(h.sandbox.created).toHaveLength(1);
    expect(job.id).toBe(h.sandbox.created[0]!.id);
    expect((await trainer.wait(job)).status).toBe('completed');
    const statuses = h.sandbox.requests.map((r) => r.status);
    for (const status of [429, 502, 503, 500]) expect(statuses).toContain(status);
  });

  it('a wrong API key is refused without echoing it; loopback URLs and a missing dataset are refused before paying', async () => {
    const error = await h
      .trainer({ apiKey: 'wrong-secret-key' })
      .estimate()
      .catch((e: unknown) => e);
    expect(ProviderError.isInstance(error) && error.reason).toBe('authentication');
    expect((error as Error).message).not.toContain('wrong-secret-key');
    await expect(h.trainer({ allowLoopbackUrls: false }).prepare(request)).rejects.toThrow(/loopback URLs/);
    const missing = await h
      .trainer()
      .prepare({ ...request, datasetPrefix: 'models/andie/datasets/v9' })
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(missing)).toBe(true);
    expect(h.sandbox.created).toHaveLength(0);
  });
});
