/**
 * The job-queue interface: what the server asks for (runs, captioning, trainings) and who asked, remembered durably so
 * a restarted process or another worker finishes it. Exactly-once for paid work is the orchestrator's journal's job;
 * the queue only remembers what was asked.
 */

/** Where a job is. `stopped`: it ended early without failing (budget, credits, cancel while running); resumable. */
export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';

/** True for states a job never leaves by itself. */
export function isFinalJobState(state: JobState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled' || state === 'stopped';
}

/** A job's error, as stored: the library's typed error name and its message (never a secret, never a stack). */
export interface JobError {
  /** The error class name, e.g. `ConsentError`, `BudgetExceededError`. */
  name: string;
  message: string;
}

/** One job as the queue remembers it. `params` and `result` are JSON values. */
export interface JobRecord<Params = unknown, Result = unknown> {
  /** Random, URL-safe, unique. */
  id: string;
  /** Which handler runs it: `run`, `resume`, `caption`, `build-dataset`, `train`, ... */
  type: string;
  /** The model it works on: at most one job per model runs at a time, across every worker. */
  model: string;
  /** The user who asked (the server's user id). */
  owner: string;
  params: Params;
  state: JobState;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** How many times a worker started it (a takeover after a crash or a resume adds one). */
  attempts: number;
  result?: Result;
  error?: JobError;
  /** Set by {@link JobQueue.cancel} on a running job: its worker aborts the handler's signal. */
  cancelRequested?: boolean;
  /** The worker running it now (a free-form id: host and pid). */
  worker?: string;
}

/** What to enqueue. */
export interface NewJob<Params = unknown> {
  type: string;
  model: string;
  owner: string;
  params: Params;
}

/** One event of a job's log: numbered from 1 in the order they were appended. */
export interface JobEvent<Data = unknown> {
  seq: number;
  /** ISO 8601 time it was appended. */
  at: string;
  /** `job-state` (written by the queue on every state change) or the handler's own types (orchestrator events). */
  type: string;
  data: Data;
}

/** Filters for {@link JobQueue.list}; every field narrows. */
export interface JobFilter {
  owner?: string;
  model?: string;
  state?: JobState;
}

/**
 * A durable queue of jobs. Implementations: the embedded queue (files in a folder, one process) and the BullMQ queue
 * (Redis, any number of worker processes). Both pass the contract suite in `@model-studio/jobs/testing`.
 */
export interface JobQueue {
  /** `embedded`, `bullmq`, or an adapter's own name. */
  readonly kind: string;
  /** Stores the job as `queued` and returns it. */
  add<Params>(job: NewJob<Params>): Promise<JobRecord<Params>>;
  /** The job, or `undefined` when no job has that id. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Jobs matching the filter, newest first. */
  list(filter?: JobFilter): Promise<JobRecord[]>;
  /**
   * A queued job becomes `cancelled` at once; a running job gets `cancelRequested` and its worker aborts the
   * handler's signal (the handler stops cleanly and the job ends `cancelled`). A job already ended is returned as is.
   * Throws a `JobNotFoundError` for an unknown id.
   */
  cancel(id: string): Promise<JobRecord>;
  /**
   * Puts a `stopped`, `failed` or `cancelled` job back in the queue (same id, `attempts` kept). Throws a
   * `JobStateError` for a job that is queued, running or completed, and a `JobNotFoundError` for an unknown id.
   */
  resume(id: string): Promise<JobRecord>;
  /** Appends an event to the job's log and wakes every subscriber. */
  appendEvent(id: string, event: { type: string; data: unknown }): Promise<JobEvent>;
  /**
   * Appends events to the job's log in order, numbered one after another with nothing between them, as one write
   * (embedded: one write and one fsync; BullMQ: one atomic script), and wakes every subscriber. Returns them numbered
   * (an empty list appends nothing). Throws a `JobNotFoundError` for an unknown id.
   */
  appendEvents(id: string, events: readonly { type: string; data: unknown }[]): Promise<JobEvent[]>;
  /**
   * The job's events with `seq > after` (0: from the start): first what is stored, then live ones as they are
   * appended, until the job reaches a final state (after its last event) or the signal aborts.
   */
  events(id: string, options?: { after?: number; signal?: AbortSignal }): AsyncIterable<JobEvent>;
  /**
   * Starts processing jobs in this process with these handlers (by job type): at most `concurrency` jobs at once, and
   * never two of one model at once, across every worker of the queue. A process that only enqueues (an API server in
   * scale-out mode) never calls it. Jobs this queue remembers as running whose worker is gone are taken over.
   */
  work(handlers: Record<string, JobHandler>, options?: JobWorkerOptions): JobWorker;
  /** Stops timers and connections (not the jobs: they stay remembered). */
  close(): Promise<void>;
}

/** Options for {@link JobQueue.work}. */
export interface JobWorkerOptions {
  /** Jobs run at once by this worker. @default 1 */
  concurrency?: number;
  /** Names this worker in `JobRecord.worker`. @default `<hostname>:<pid>` */
  workerId?: string;
}

/** A running worker. */
export interface JobWorker {
  /**
   * Stops taking jobs. Running handlers get their signal aborted and are awaited; their jobs stay `running` in the
   * queue's memory (not failed) so the next worker or the next start resumes them.
   */
  stop(): Promise<void>;
}

/** What a handler gets besides the job. */
export interface JobContext {
  /** Aborted when the job is cancelled or the worker stops: stop cleanly and return (or throw an AbortError). */
  signal: AbortSignal;
  /** Appends an event to the job's log (orchestrator events: unit start/end, stage, cost so far, errors). */
  emit(type: string, data: unknown): Promise<void>;
  /**
   * Appends events to the job's log in order as one write (see {@link JobQueue.appendEvents}): what a handler that
   * batches its events (one fsync per batch instead of per event) calls.
   */
  emitMany(events: readonly { type: string; data: unknown }[]): Promise<void>;
  /** 1 on the first start; more after a takeover or a resume: a handler must be safe to run again (the journal is). */
  attempt: number;
  /**
   * True once the signal was aborted by {@link JobQueue.cancel} (the user wants the work stopped: release what it
   * rents, e.g. a GPU pod), false when the worker is stopping (the job stays running and is resumed elsewhere: keep
   * what it rents, the next attempt reattaches it).
   */
  cancelled(): boolean;
}

/**
 * Runs one job; its return value is stored as the job's `result`. Throwing fails the job (its error name and message
 * are stored). Return `{ stopped: true, ... }`-style results as the handler's own convention; ending `stopped` is
 * asked by throwing a `JobStoppedError`.
 */
export type JobHandler = (job: JobRecord, context: JobContext) => Promise<unknown>;
