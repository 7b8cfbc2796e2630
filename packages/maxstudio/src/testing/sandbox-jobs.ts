import { randomUUID } from 'node:crypto';
import type { BoundingBox } from '@model-studio/core';
import type { SandboxBilling, SandboxCharge, SandboxJobDuration, SandboxOperation } from './sandbox-options.js';
import { SandboxStateFile } from './sandbox-state-file.js';
import type { EndRecord } from './sandbox-state-records.js';

/** What a job's output is made from (kept in the state file's folder until the output is stored). */
export type SandboxJobInput =
  | { operation: 'swap'; target: Uint8Array; sources: Uint8Array[]; boxes: BoundingBox[] }
  | { operation: 'enhance'; image: Uint8Array; upscale: number }
  | { operation: 'video-swap'; video: Uint8Array; newFaces: Uint8Array[] };

/** A job the sandbox accepted. */
export interface SandboxJob {
  id: string;
  operation: SandboxOperation;
  /** An enhance's scale factor. */
  upscale?: number;
  createdAt: number;
  duration: SandboxJobDuration;
  /** Scripted outcome: `fail` ends in `failed`, `hang` stays `running`. */
  scripted: 'fail' | 'hang' | undefined;
  /** How many input images it has (the target and one source per face, or the image). */
  inputs: number;
  /** Whether its output is ready: in `output`, or stored next to the state file. */
  ready: boolean;
  /** The output, in memory (without a state file, or when storing it failed). */
  output: Uint8Array | undefined;
  outputError: string | undefined;
}

/** Options of {@link SandboxJobs.open}. */
export interface SandboxJobsOptions {
  /** Starting balance (of a new state file, when there is one). */
  credits: number;
  /** Makes a job's output from its input: deterministic, so a job cut short by a crash is made again the same. */
  produce: (input: SandboxJobInput) => Promise<Uint8Array>;
  /** Where jobs and charges persist (see `MaxStudioSandboxOptions.stateFile`). Omitted: in memory only. */
  stateFile?: string;
}

const inputFiles = (input: SandboxJobInput) =>
  input.operation === 'swap'
    ? [input.target, ...input.sources]
    : input.operation === 'video-swap'
      ? [input.video, ...input.newFaces]
      : [input.image];
/** What a job record keeps of its input besides the files: the swap's boxes, the enhance's scale, the faces' count. */
const inputDetails = (input: SandboxJobInput) =>
  input.operation === 'swap'
    ? { boxes: input.boxes }
    : input.operation === 'enhance'
      ? { upscale: input.upscale }
      : { newFaces: input.newFaces.length };
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The sandbox's jobs, credits and charges, in memory and, with a state file, on disk. */
export class SandboxJobs {
  private readonly jobs = new Map<string, SandboxJob>();
  private readonly record: SandboxBilling;
  private readonly produce: SandboxJobsOptions['produce'];
  private readonly state: SandboxStateFile | undefined;
  /** Acceptances run one at a time: the balance check, the durable record and the charge never interleave. */
  private accepting: Promise<unknown> = Promise.resolve();
  /** Outputs being made (and stored). */
  private readonly working = new Set<Promise<void>>();

  private constructor(initialCredits: number, produce: SandboxJobsOptions['produce'], state?: SandboxStateFile) {
    this.record = { initialCredits, balance: initialCredits, charges: [] };
    this.produce = produce;
    this.state = state;
  }

  /** The jobs of a new sandbox: empty, or those of its state file (which is locked, read and repaired first). */
  static async open(options: SandboxJobsOptions): Promise<SandboxJobs> {
    if (options.stateFile === undefined) return new SandboxJobs(options.credits, options.produce);
    const state = await SandboxStateFile.open(options.stateFile, options.credits);
    const jobs = new SandboxJobs(state.header.initialCredits, options.produce, state);
    jobs.restore(state);
    return jobs;
  }

  /** Whether a charge of `credits` is possible (balance, and the scripted "insufficient after N charges"). */
  canCharge(credits: number, insufficientAfter: number | undefined): boolean {
    if (insufficientAfter !== undefined && this.record.charges.length >= insufficientAfter) return false;
    return this.record.balance >= credits;
  }

  /**
   * Accepts a job if the credits allow (else `undefined`): records it durably (with a state file: its inputs, then its
   * line), charges it, and starts making its output. Resolves once the job would survive a crash. `described` says
   * what each input image was (see `SandboxCharge.inputs`), for the charge.
   */
  async accept(
    credits: number,
    duration: SandboxJobDuration,
    scripted: SandboxJob['scripted'],
    input: SandboxJobInput,
    insufficientAfter: number | undefined,
    described: readonly string[],
  ): Promise<SandboxJob | undefined> {
    if (!this.canCharge(credits, insufficientAfter)) return undefined;
    const jobId = randomUUID();
    const files = inputFiles(input);
    // Inputs are written outside the one-at-a-time section, so concurrent submissions write them in parallel.
    await this.state?.writeInputs(jobId, files);
    const accepted = this.accepting.then(async () => {
      if (!this.canCharge(credits, insufficientAfter)) return undefined;
      const createdAt = Date.now();
      const at = new Date(createdAt).toISOString();
      const charge: SandboxCharge = {
        jobId,
        operation: input.operation,
        credits,
        inputs: [...described],
        at,
        balanceAfter: this.record.balance - credits,
      };
      if (this.state) {
        const details = inputDetails(input);
        await this.state.accept({
          type: 'job',
          ...charge,
          createdAt,
          duration,
          scripted: scripted ?? null,
          ...details,
        });
      }
      const job = this.add(charge, createdAt, duration, scripted, files.length);
      if (input.operation === 'enhance') job.upscale = input.upscale;
      this.track(this.run(job, input));
      return job;
    });
    this.accepting = accepted.catch(() => undefined);
    // Refused: its inputs go. (After a failed append they stay: the line may be on disk; a restart sorts it out.)
    const job = await accepted;
    if (!job) await this.state?.removeInputs(jobId, files.length);
    return job;
  }

  /** The state file's absolute path, if there is one. */
  get stateFile(): string | undefined {
    return this.state?.path;
  }

  get(id: string): SandboxJob | undefined {
    return this.jobs.get(id);
  }

  /** A job's output, once ready. */
  async output(job: SandboxJob): Promise<Uint8Array | undefined> {
    if (job.output !== undefined || !job.ready) return job.output;
    return this.state?.readOutput(job.id);
  }

  /** The status string a poll answers, moving pending → running → completed/failed over time. */
  status(job: SandboxJob, now = Date.now()): string {
    const age = now - job.createdAt;
    if (age < job.duration.pendingMs) return 'pending';
    if (age < job.duration.pendingMs + job.duration.runningMs || job.scripted === 'hang') return 'running';
    if (job.scripted === 'fail' || job.outputError !== undefined) return 'failed';
    return job.ready ? 'completed' : 'running';
  }

  billing(): SandboxBilling {
    return {
      ...this.record,
      charges: this.record.charges.map((charge) => ({ ...charge, inputs: [...charge.inputs] })),
    };
  }

  /** Waits for acceptances and outputs in progress, then closes the state file (releasing its lock). */
  async close(): Promise<void> {
    await this.accepting;
    while (this.working.size > 0) await Promise.all(this.working);
    await this.state?.close();
  }

  private add(
    charge: SandboxCharge,
    createdAt: number,
    duration: SandboxJobDuration,
    scripted: SandboxJob['scripted'],
    inputs: number,
  ): SandboxJob {
    const job: SandboxJob = {
      id: charge.jobId,
      operation: charge.operation,
      createdAt,
      duration,
      scripted,
      inputs,
      ready: false,
      output: undefined,
      outputError: undefined,
    };
    this.jobs.set(job.id, job);
    this.record.balance = charge.balanceAfter;
    this.record.charges.push(charge);
    return job;
  }

  /** Replays a state file: every job and charge once (a repeated job line is never charged twice). */
  private restore(state: SandboxStateFile): void {
    const ends = new Map<string, EndRecord>();
    for (const record of state.records) if (record.type === 'end') ends.set(record.jobId, record);
    for (const record of state.records) {
      if (record.type !== 'job' || this.jobs.has(record.jobId)) continue;
      const { jobId, operation, credits, at, balanceAfter } = record;
      // State files written before charges said what they were for have no `inputs`.
      const charge: SandboxCharge = { jobId, operation, credits, inputs: [...(record.inputs ?? [])], at, balanceAfter };
      const inputs = record.boxes ? record.boxes.length + 1 : 1 + (record.newFaces ?? 0);
      const job = this.add(charge, record.createdAt, record.duration, record.scripted ?? undefined, inputs);
      // Lines written before the enhancer's scale was recorded were all 2x.
      if (operation === 'enhance') job.upscale = record.upscale ?? 2;
      const end = ends.get(jobId);
      if (end?.outcome === 'failed') job.outputError = end.error ?? 'failed';
      else this.track(this.resume(state, job, record.boxes));
    }
  }

  /** A restored job: its stored output, or (it was cut short by the stop) made again from its stored inputs. */
  private async resume(state: SandboxStateFile, job: SandboxJob, boxes: BoundingBox[] | undefined): Promise<void> {
    if (await state.hasOutput(job.id)) {
      job.ready = true;
      return;
    }
    const files = await state.readInputs(job.id, job.inputs);
    const [first, ...rest] = files ?? [];
    if (!first) {
      job.outputError = 'The sandbox state has neither the output nor the inputs of this job.';
      return;
    }
    const input: SandboxJobInput =
      job.operation === 'swap'
        ? { operation: 'swap', target: first, sources: rest, boxes: boxes ?? [] }
        : job.operation === 'video-swap'
          ? { operation: 'video-swap', video: first, newFaces: rest }
          : { operation: 'enhance', image: first, upscale: job.upscale ?? 2 };
    await this.run(job, input);
  }

  private run(job: SandboxJob, input: SandboxJobInput): Promise<void> {
    return this.produce(input).then(
      async (output) => {
        if (this.state) {
          try {
            await this.state.complete(job.id, output, job.inputs);
            job.ready = true;
            return;
          } catch {
            // not stored: kept in memory, so this process still serves it
          }
        }
        job.output = output;
        job.ready = true;
      },
      async (error: unknown) => {
        job.outputError = messageOf(error);
        await this.state?.fail(job.id, job.outputError, job.inputs).catch(() => undefined);
      },
    );
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work.catch(() => undefined).finally(() => this.working.delete(tracked));
    this.working.add(tracked);
  }
}
