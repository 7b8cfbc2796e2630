import { randomUUID } from 'node:crypto';
import type { SandboxBilling, SandboxJobDuration } from './sandbox-options.js';

/** A job the sandbox accepted. */
export interface SandboxJob {
  id: string;
  operation: 'swap' | 'enhance';
  createdAt: number;
  duration: SandboxJobDuration;
  /** Scripted outcome: `fail` ends in `failed`, `hang` stays `running`. */
  scripted: 'fail' | 'hang' | undefined;
  output: Uint8Array | undefined;
  outputError: string | undefined;
}

/** The sandbox's jobs, credits and charges. */
export class SandboxJobs {
  private readonly jobs = new Map<string, SandboxJob>();
  private readonly record: SandboxBilling;

  constructor(initialCredits: number) {
    this.record = { initialCredits, balance: initialCredits, charges: [] };
  }

  /** Whether a charge of `credits` is possible (balance, and the scripted "insufficient after N charges"). */
  canCharge(credits: number, insufficientAfter: number | undefined): boolean {
    if (insufficientAfter !== undefined && this.record.charges.length >= insufficientAfter) return false;
    return this.record.balance >= credits;
  }

  /** Accepts a job: charges it and starts computing its output with `produce`. */
  accept(
    operation: 'swap' | 'enhance',
    credits: number,
    duration: SandboxJobDuration,
    scripted: SandboxJob['scripted'],
    produce: () => Promise<Uint8Array>,
  ): SandboxJob {
    const job: SandboxJob = {
      id: randomUUID(),
      operation,
      createdAt: Date.now(),
      duration,
      scripted,
      output: undefined,
      outputError: undefined,
    };
    this.jobs.set(job.id, job);
    this.record.balance -= credits;
    this.record.charges.push({
      jobId: job.id,
      operation,
      credits,
      at: new Date().toISOString(),
      balanceAfter: this.record.balance,
    });
    produce().then(
      (output) => {
        job.output = output;
      },
      (error: unknown) => {
        job.outputError = error instanceof Error ? error.message : String(error);
      },
    );
    return job;
  }

  get(id: string): SandboxJob | undefined {
    return this.jobs.get(id);
  }

  /** The status string a poll answers, moving pending → running → completed/failed over time. */
  status(job: SandboxJob, now = Date.now()): string {
    const age = now - job.createdAt;
    if (age < job.duration.pendingMs) return 'pending';
    if (age < job.duration.pendingMs + job.duration.runningMs || job.scripted === 'hang') return 'running';
    if (job.scripted === 'fail' || job.outputError !== undefined) return 'failed';
    return job.output === undefined ? 'running' : 'completed';
  }

  billing(): SandboxBilling {
    return { ...this.record, charges: this.record.charges.map((charge) => ({ ...charge })) };
  }
}
