import { ValidationError } from '../errors/index.js';
import type { Trainer, TrainingJob, TrainingProgress, TrainingRequest } from '../interfaces/index.js';

/** The parts of a test runner the trainer suite uses (vitest's and jest's fit as is). */
export interface TrainerContractTestApi {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void> | void, timeout?: number) => void;
  // biome-ignore lint/suspicious/noExplicitAny: loose on purpose, so vitest's and jest's `expect` both fit.
  expect: (value: unknown) => any;
  beforeAll: (fn: () => unknown, timeout?: number) => void;
  afterAll: (fn: () => unknown, timeout?: number) => void;
}

/** What the suite trains with; made once per suite by {@link TrainerContractOptions.create}. */
export interface TrainerContractSubject {
  trainer: Trainer;
  /** A request that trains to completion quickly (its dataset already in the trainer's storage). */
  request: TrainingRequest;
  /** A request that trains long enough to be cancelled mid-way. */
  longRequest: TrainingRequest;
  /** A fresh instance over the same backend, as after a restart (for reattaching by id). */
  reopen: () => Trainer;
}

/** What {@link trainerContractTests} runs against. */
export interface TrainerContractOptions {
  /** Shown in the suite's name, e.g. `RunpodTrainer (sandbox)`. */
  name: string;
  create: () => Promise<TrainerContractSubject> | TrainerContractSubject;
  destroy?: (subject: TrainerContractSubject) => Promise<void> | void;
  /**
   * Longest wait for one job, in ms.
   * @default 60000
   */
  jobTimeoutMs?: number;
}

const finalStatuses = new Set(['completed', 'failed', 'cancelled']);

/** Waits with `wait` when the trainer has it, else polls `status`. */
async function untilFinal(trainer: Trainer, job: TrainingJob, timeoutMs: number): Promise<TrainingProgress> {
  if (trainer.wait) return trainer.wait(job, { signal: AbortSignal.timeout(timeoutMs) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await trainer.status(job);
    if (finalStatuses.has(progress.status)) return progress;
    if (Date.now() > deadline) throw new Error(`Job ${job.id} did not finish within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The contract every {@link Trainer} keeps: a job's id exists as soon as `start` returns, status moves to
 * `completed`, the artifacts include a LoRA, a fresh instance reattaches by id, `cancel` stops a running job and is
 * idempotent, and a missing dataset is refused with a `ValidationError` before anything is started.
 *
 * @example
 * ```ts no-run
 * trainerContractTests({ describe, it, expect, beforeAll, afterAll }, { name: 'my trainer', create: () => ({ trainer, request, longRequest, reopen }) });
 * ```
 */
export function trainerContractTests(api: TrainerContractTestApi, options: TrainerContractOptions): void {
  const { describe, it, expect, beforeAll, afterAll } = api;
  const timeout = options.jobTimeoutMs ?? 60_000;
  describe(`Trainer contract: ${options.name}`, () => {
    let subject: TrainerContractSubject;
    let finished: TrainingJob | undefined;
    beforeAll(async () => {
      subject = await options.create();
    }, timeout);
    afterAll(async () => {
      await options.destroy?.(subject);
    }, timeout);

    it('declares specification v1 and a provider id', () => {
      expect(subject.trainer.specificationVersion).toBe('v1');
      expect(typeof subject.trainer.provider).toBe('string');
      expect(subject.trainer.provider.length).toBeGreaterThan(0);
    });

    it('refuses a missing dataset in prepare with a ValidationError', async () => {
      const request = { ...subject.request, datasetPrefix: `${subject.request.datasetPrefix}-missing-contract` };
      const error = await subject.trainer.prepare(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ValidationError.isInstance(error)).toBe(true);
    });

    it(
      'starts a job, returns its id at once, trains to completion and returns a LoRA',
      async () => {
        await subject.trainer.prepare(subject.request);
        const job = await subject.trainer.start(subject.request);
        expect(typeof job.id).toBe('string');
        expect(job.provider).toBe(subject.trainer.provider);
        const final = await untilFinal(subject.trainer, job, timeout);
        expect(final.status).toBe('completed');
        const artifacts = await subject.trainer.fetchArtifacts(job);
        const lora = artifacts.find((artifact) => artifact.name.endsWith('.safetensors'));
        expect(lora).toBeDefined();
        expect(lora!.bytes.byteLength).toBeGreaterThan(8);
        finished = job;
      },
      timeout * 2,
    );

    it(
      'reads the same job from a fresh instance, and cancelling a finished job does nothing',
      async () => {
        expect(finished).toBeDefined();
        const fresh = subject.reopen();
        expect((await fresh.status(finished!)).status).toBe('completed');
        await fresh.cancel(finished!);
        expect((await fresh.status(finished!)).status).toBe('completed');
      },
      timeout,
    );

    it(
      'cancel stops a running job, and a second cancel is harmless',
      async () => {
        const job = await subject.trainer.start(subject.longRequest);
        await subject.trainer.cancel(job);
        await subject.trainer.cancel(job);
        const deadline = Date.now() + timeout;
        let status = (await subject.trainer.status(job)).status;
        while (!finalStatuses.has(status) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          status = (await subject.trainer.status(job)).status;
        }
        expect(['cancelled', 'failed']).toContain(status);
      },
      timeout * 2,
    );
  });
}
