/**
 * The train stage (`studio.train`) on a plain context with an in-memory trainer that implements core's `Trainer`
 * interface: consent `train`, the estimate reserved before the job starts, the job id journaled before waiting, the
 * actual cost settled after, a crashed wait reattached by the journaled id (one job), budget and failure paths.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BudgetExceededError,
  ConsentError,
  ProviderError,
  type Trainer,
  type TrainingJob,
  type TrainingProgress,
  ValidationError,
} from '@model-studio/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelCosts } from '../../src/orchestrator/verbs/model-costs.js';
import { modelStatus } from '../../src/orchestrator/verbs/model-status.js';
import { planRun } from '../../src/orchestrator/verbs/plan-run.js';
import { runPlan } from '../../src/orchestrator/verbs/run-plan.js';
import { trainLora } from '../../src/orchestrator/verbs/train-lora.js';
import { type VerbRig, verbRig } from './verb-rig.js';

let rig: VerbRig;
beforeEach(async () => {
  rig = await verbRig();
});
afterEach(async () => {
  await rig.dispose();
});

/** What the in-memory trainer saw, in order, with the journal's content at `start` and at the first wait. */
interface TrainerLog {
  calls: string[];
  journalAtStart?: string;
  journalAtWait?: string;
  jobs: number;
}

/**
 * A trainer backed by memory: jobs finish after `steps` status polls, cost $0.10 per step, and write a small LoRA.
 * `failAt` makes a job fail; `hang` makes `wait` block until aborted (the process "crashes" while the pod trains).
 */
function memoryTrainer(
  journalFile: string,
  options: { steps?: number; failAt?: number; hang?: boolean; throwOnFail?: boolean } = {},
  state: { jobs: Map<string, number>; cancelled?: Set<string> } = { jobs: new Map() },
) {
  state.cancelled ??= new Set<string>();
  const cancelled = state.cancelled;
  const log: TrainerLog = { calls: [], jobs: 0 };
  const steps = options.steps ?? 3;
  const progressOf = (job: TrainingJob): TrainingProgress => {
    const step = state.jobs.get(job.id) ?? 0;
    if (cancelled.has(job.id))
      return { status: 'cancelled', step, totalSteps: steps, message: 'cancelled by the user' };
    if (options.failAt !== undefined && step >= options.failAt)
      return { status: 'failed', step, totalSteps: steps, message: 'out of memory at step 2' };
    return { status: step >= steps ? 'completed' : 'running', step, totalSteps: steps, loss: 0.5 / (step + 1) };
  };
  const trainer: Trainer = {
    specificationVersion: 'v1',
    provider: 'memory',
    async prepare() {
      log.calls.push('prepare');
    },
    async start(request) {
      log.calls.push('start');
      log.journalAtStart = await readFile(journalFile, 'utf8').catch(() => '');
      log.jobs += 1;
      const id = `job-${request.runId}-${log.jobs}`;
      state.jobs.set(id, 0);
      return { id, provider: 'memory', outputPrefix: request.outputPrefix };
    },
    async attach(id) {
      log.calls.push('attach');
      if (!state.jobs.has(id)) throw new ValidationError(`unknown job ${id}`);
      return { id, provider: 'memory' };
    },
    async status(job) {
      return progressOf(job);
    },
    async wait(job, waitOptions) {
      log.calls.push('wait');
      log.journalAtWait ??= await readFile(journalFile, 'utf8');
      if (options.hang && !cancelled.has(job.id)) {
        await new Promise((_, reject) => {
          const signal = waitOptions?.signal;
          if (signal?.aborted) reject(signal.reason);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      for (;;) {
        const progress = progressOf(job);
        waitOptions?.onEvent?.({ type: 'progress', job, progress });
        if (progress.status === 'failed' && options.throwOnFail) {
          throw new ProviderError(`job ${job.id} failed: ${progress.message}`, {
            provider: 'memory',
            reason: 'job-failed',
            isRetryable: false,
          });
        }
        if (progress.status !== 'running') return progress;
        state.jobs.set(job.id, (state.jobs.get(job.id) ?? 0) + 1);
      }
    },
    async cost(job) {
      const step = state.jobs.get(job.id) ?? 0;
      return { usd: Math.round(step * 10) / 100, costPerHourUsd: 0.5, billedSeconds: step * 60, final: true };
    },
    async fetchArtifacts() {
      log.calls.push('fetchArtifacts');
      return [
        { name: 'training_metrics.jsonl', bytes: new TextEncoder().encode('{"step":3}\n'), kind: 'metrics' },
        { name: 'pytorch_lora_weights.safetensors', bytes: new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125]) },
      ];
    },
    async cancel(job) {
      log.calls.push('cancel');
      cancelled.add(job.id);
    },
  };
  return { trainer, log, state };
}

async function trainableModel(name: string, uses: ('swap' | 'train')[] = ['swap', 'train']) {
  await rig.model(name, 1, 1);
  const context = rig.context();
  await runPlan(context, await planRun(context, name));
  await context.records.close();
  const config = await rig.workspace.getModel(name);
  await rig.workspace.setConsent(name, { ...config.consent!, allowedUses: uses });
}

const files = (model: string) => ({
  journal: join(rig.workspace.localModelDir(model), 'progress.jsonl'),
  ledger: join(rig.workspace.localModelDir(model), 'costs.jsonl'),
});

const ledgerLines = async (model: string) =>
  (await readFile(files(model).ledger, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { itemId: string; kind: string; amount: number; unitOfAccount: string });

/** Trains on a trainer whose wait hangs, aborts once it waits with `reason`, and returns how the call ended. */
async function abortWhileTraining(reason: string, cancelOnAbort?: () => boolean) {
  await trainableModel('andie');
  const { trainer, log } = memoryTrainer(files('andie').journal, { hang: true });
  const context = rig.context({ trainer });
  const controller = new AbortController();
  const running = trainLora(context, 'andie', {
    dataset: 'v1',
    config: {},
    estimateUsd: 2,
    signal: controller.signal,
    ...(cancelOnAbort && { cancelOnAbort }),
  });
  while (!log.calls.includes('wait')) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort(new Error(reason));
  const error: unknown = await running.then(
    () => undefined,
    (e: unknown) => e,
  );
  await context.records.close();
  return { error, log, status: await modelStatus(rig.context(), 'andie') };
}

describe('studio.train', () => {
  it('reserves the estimate before starting, journals the job id before waiting, settles the actual cost, stores the LoRA', async () => {
    await trainableModel('andie');
    const { trainer, log } = memoryTrainer(files('andie').journal);
    const context = rig.context({ trainer });
    const events: string[] = [];
    const summary = await trainLora(context, 'andie', {
      dataset: 'v1',
      config: { max_train_steps: 3 },
      estimateUsd: 2,
      onEvent: (event) => events.push(event.type),
    });
    expect(summary.stageId).toBe('andie:train:v1');
    expect(summary.progress.status).toBe('completed');
    expect(summary.reattached).toBe(false);
    expect(summary.cost?.usd).toBe(0.3);
    expect(summary.loraKey).toBe('models/andie/training/v1/pytorch_lora_weights.safetensors');
    expect(await rig.storage.head(summary.loraKey!)).toBeTruthy();
    expect(log.calls).toEqual(['prepare', 'start', 'wait', 'fetchArtifacts']);
    expect(events).toContain('training-cost');
    // Before `start`: the reservation is in the ledger (and `submitting` follows it); before waiting: the job id.
    expect(log.journalAtWait).toContain('"submitted"');
    expect(log.journalAtWait).toContain(summary.job.id);
    const ledger = (await ledgerLines('andie')).filter((entry) => entry.itemId === 'andie:train:v1');
    expect(ledger.map((entry) => entry.kind)).toEqual(['reserved', 'actual']);
    expect(ledger[0]).toMatchObject({ amount: 2, unitOfAccount: 'USD' });
    expect(ledger[1]).toMatchObject({ amount: 0.3, unitOfAccount: 'USD' });
    const costs = await modelCosts(context, 'andie');
    expect(JSON.stringify(costs.summary)).toContain('USD');
    const status = await modelStatus(context, 'andie');
    expect(status.done).toContain('andie:train:v1');
    // The train stage is a model-level stage: counted as a stage, not as a unit.
    expect(status.units.total).toBe(1);
    // Called again: nothing runs, nothing is paid.
    const again = await trainLora(context, 'andie', { dataset: 'v1', config: {}, estimateUsd: 2 });
    expect(again.alreadyDone).toBe(true);
    expect(again.loraKey).toBe(summary.loraKey);
    expect(log.jobs).toBe(1);
  });

  it('after a crash while the job trains, train again reattaches the journaled job: one job, one charge', async () => {
    await trainableModel('andie');
    const shared = { jobs: new Map<string, number>() };
    const first = memoryTrainer(files('andie').journal, { hang: true }, shared);
    const context = rig.context({ trainer: first.trainer });
    const controller = new AbortController();
    const running = trainLora(context, 'andie', {
      dataset: 'v1',
      config: {},
      estimateUsd: 2,
      signal: controller.signal,
    });
    while (!first.log.calls.includes('wait')) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('the process was killed'));
    await expect(running).rejects.toThrow('killed');
    await context.records.close();
    const status = await modelStatus(rig.context(), 'andie');
    expect(status.inFlight.map((entry) => entry.stageId)).toEqual(['andie:train:v1']);

    const second = memoryTrainer(files('andie').journal, {}, shared);
    const resumed = await trainLora(rig.context({ trainer: second.trainer }), 'andie', {
      dataset: 'v1',
      config: {},
      estimateUsd: 2,
    });
    expect(resumed.reattached).toBe(true);
    expect(resumed.progress.status).toBe('completed');
    expect(second.log.calls).toEqual(['attach', 'wait', 'fetchArtifacts']);
    expect(first.log.jobs + second.log.jobs).toBe(1);
    const ledger = (await ledgerLines('andie')).filter((entry) => entry.itemId === 'andie:train:v1');
    expect(ledger.filter((entry) => entry.kind === 'actual')).toHaveLength(1);
  });

  it('with cancelOnAbort, an abort cancels the job at the trainer, settles its cost and journals it failed', async () => {
    let reason: unknown;
    const { error, log, status } = await abortWhileTraining('the user cancelled', () => {
      reason = 'asked';
      return true;
    });
    expect(reason).toBe('asked');
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('cancelled');
    expect(log.calls).toEqual(['prepare', 'start', 'wait', 'cancel', 'wait']);
    expect(status.inFlight).toEqual([]);
    expect(status.failed.map((failure) => failure.stageId)).toEqual(['andie:train:v1']);
    const ledger = (await ledgerLines('andie')).filter((entry) => entry.itemId === 'andie:train:v1');
    expect(ledger.map((entry) => entry.kind)).toEqual(['reserved', 'actual']);
  });

  it('when cancelOnAbort answers false (a worker stopping), an abort leaves the job running and in flight', async () => {
    const { error, log, status } = await abortWhileTraining('the worker stopped', () => false);
    expect((error as Error).message).toContain('worker stopped');
    expect(log.calls).not.toContain('cancel');
    expect(status.inFlight.map((entry) => entry.stageId)).toEqual(['andie:train:v1']);
  });

  it('refuses without consent for `train`: nothing is prepared, started or reserved', async () => {
    await trainableModel('andie', ['swap']);
    const { trainer, log } = memoryTrainer(files('andie').journal);
    const error = await trainLora(rig.context({ trainer }), 'andie', { dataset: 'v1', config: {} }).catch((e) => e);
    expect(ConsentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('train');
    expect(log.calls).toEqual([]);
    expect((await ledgerLines('andie')).some((entry) => entry.itemId === 'andie:train:v1')).toBe(false);
  });

  it('stops before starting when the estimate is over the budget', async () => {
    await trainableModel('andie');
    const { trainer, log } = memoryTrainer(files('andie').journal);
    const error = await trainLora(rig.context({ trainer }), 'andie', {
      dataset: 'v1',
      config: {},
      estimateUsd: 5,
      budget: { limit: 1, unit: 'USD' },
    }).catch((e) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(log.calls).toEqual(['prepare']);
  });

  it('a failed job is charged, journaled as failed (status names the train stage) and reported with a clear error', async () => {
    await trainableModel('andie');
    const { trainer } = memoryTrainer(files('andie').journal, { failAt: 2 });
    const context = rig.context({ trainer });
    const error = await trainLora(context, 'andie', { dataset: 'v1', config: {}, estimateUsd: 2 }).catch((e) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('out of memory');
    const status = await modelStatus(context, 'andie');
    expect(status.failed).toEqual([expect.objectContaining({ stageId: 'andie:train:v1', stage: 'train' })]);
    const ledger = (await ledgerLines('andie')).filter((entry) => entry.itemId === 'andie:train:v1');
    expect(ledger.find((entry) => entry.kind === 'actual')?.amount).toBe(0.2);
  });

  it('a wait that throws job-failed is settled as charged too', async () => {
    await trainableModel('andie');
    const { trainer } = memoryTrainer(files('andie').journal, { failAt: 1, throwOnFail: true });
    const context = rig.context({ trainer });
    const error = await trainLora(context, 'andie', { dataset: 'v1', config: {}, estimateUsd: 2 }).catch((e) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    const ledger = (await ledgerLines('andie')).filter((entry) => entry.itemId === 'andie:train:v1');
    expect(ledger.map((entry) => entry.kind)).toEqual(['reserved', 'actual']);
    expect((await modelStatus(context, 'andie')).failed.map((failure) => failure.stage)).toEqual(['train']);
  });

  it('needs a trainer and a valid dataset version, with messages that say what to do', async () => {
    await trainableModel('andie');
    await expect(trainLora(rig.context({}), 'andie', { dataset: 'v1', config: {} })).rejects.toThrow(
      'createStudio needs a trainer',
    );
    const { trainer } = memoryTrainer(files('andie').journal);
    await expect(trainLora(rig.context({ trainer }), 'andie', { dataset: '../x', config: {} })).rejects.toThrow(
      ValidationError,
    );
  });
});
