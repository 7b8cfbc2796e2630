import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnalyzeRequest, AnalyzeResult, FaceEngineOptions } from '../engine/face-engine.js';
import { UnreadableImageError } from '../engine/unreadable.js';
import type { FaceWorkerData, WorkerReply, WorkerTask } from './worker-messages.js';

interface Pending {
  id: number;
  request: AnalyzeRequest;
  resolve(result: AnalyzeResult): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Tasks handed to each worker at once: while one image is being detected on the worker's thread, the next one is
 * already being decoded by sharp on libuv's threads, so neither core waits for the other stage.
 */
const tasksPerWorker = 2;

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Tasks sent to this worker and not answered yet, oldest first. */
  busy: Pending[];
  exited: Promise<void>;
}

/**
 * How to start a worker: the built `face-worker.js` next to this module in dist/, or, when running from TypeScript
 * source (tests, tsx), a small bootstrap that registers tsx in the worker first.
 */
function workerEntry(): { target: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { target: new URL('./face-worker.js', import.meta.url), eval: false };
  // Node 20 does not pass ESM loader hooks to workers; tsx's CommonJS hook, registered inside the worker, does work.
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('../face-worker.ts', import.meta.url));
  const code = `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(entry)});`;
  return { target: code, eval: true };
}

/**
 * A fixed set of worker threads, each holding its own tfjs + models (wasm in Node is single-threaded, so one worker per
 * core scales throughput). Workers start on first use and hold the process open only while work is in flight.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private initError: Error | undefined;
  /** Backend reported by the first worker that started. */
  backend: string | undefined;
  /** Milliseconds the slowest worker took to load its models. */
  loadMs = 0;

  constructor(
    readonly size: number,
    private readonly engine: FaceEngineOptions,
  ) {}

  /** Worker threads currently alive. */
  get threadCount(): number {
    return this.slots.length;
  }

  /** Analyses one image on the next free worker. */
  run(request: AnalyzeRequest, signal?: AbortSignal): Promise<AnalyzeResult> {
    if (this.closed) return Promise.reject(new Error('The quality checker is closed; create a new one.'));
    if (this.initError) return Promise.reject(this.initError);
    signal?.throwIfAborted();
    this.start();
    return new Promise<AnalyzeResult>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, request, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        pending.onAbort = () => {
          const index = this.queue.indexOf(pending);
          if (index >= 0) this.queue.splice(index, 1);
          // A running task cannot be interrupted inside wasm; its result is dropped when it arrives.
          pending.resolve = () => {};
          pending.reject = () => {};
          this.updateRefs();
          reject(signal.reason);
        };
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Stops every worker; queued work is rejected. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('The quality checker was closed before this image was analysed.');
    for (const pending of this.queue.splice(0)) this.settle(pending, error);
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        for (const pending of slot.busy.splice(0)) this.settle(pending, error);
        await slot.worker.terminate();
        await slot.exited;
      }),
    );
  }

  private start(): void {
    if (this.slots.length > 0) return;
    const entry = workerEntry();
    for (let i = 0; i < this.size; i++) {
      const data: FaceWorkerData = { engine: this.engine };
      const worker = new Worker(entry.target, { workerData: data, eval: entry.eval });
      let markExited: () => void = () => {};
      const slot: Slot = { worker, ready: false, busy: [], exited: new Promise<void>((r) => (markExited = r)) };
      worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
      worker.on('error', (error) => this.fail(slot, error));
      worker.on('exit', (code) => {
        markExited();
        if (!this.closed) this.fail(slot, new Error(`A face worker stopped unexpectedly (exit code ${code}).`));
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      this.backend ??= reply.backend;
      this.loadMs = Math.max(this.loadMs, reply.loadMs);
      this.dispatch();
      return;
    }
    if (reply.type === 'init-error') {
      const error = new Error(`The face models could not be loaded: ${reply.message}`);
      error.name = reply.name;
      this.fail(slot, error);
      return;
    }
    const index = slot.busy.findIndex((p) => p.id === reply.id);
    const pending = index >= 0 ? slot.busy.splice(index, 1)[0] : undefined;
    if (pending) {
      if (reply.type === 'result') this.settle(pending, undefined, reply.result);
      else this.settle(pending, reply.unreadable ? new UnreadableImageError(reply.message) : new Error(reply.message));
    }
    this.dispatch();
  }

  private fail(slot: Slot, error: Error): void {
    if (this.closed) return;
    this.initError ??= slot.ready ? undefined : error;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    for (const pending of slot.busy.splice(0)) this.settle(pending, error);
    void slot.worker.terminate();
    if (this.slots.length === 0) for (const pending of this.queue.splice(0)) this.settle(pending, error);
    this.updateRefs();
  }

  private settle(pending: Pending, error: unknown, result?: AnalyzeResult): void {
    if (pending.signal && pending.onAbort) pending.signal.removeEventListener('abort', pending.onAbort);
    if (error !== undefined) pending.reject(error);
    else pending.resolve(result as AnalyzeResult);
  }

  private dispatch(): void {
    // One task to each worker first, then a second, so a short queue is spread over all workers.
    for (let depth = 1; depth <= tasksPerWorker; depth++) {
      for (const slot of this.slots) {
        if (!slot.ready || slot.busy.length >= depth) continue;
        const pending = this.queue.shift();
        if (!pending) break;
        slot.busy.push(pending);
        const task: WorkerTask = { id: pending.id, request: pending.request };
        slot.worker.postMessage(task);
      }
    }
    this.updateRefs();
  }

  /** Workers keep the process alive only while they have (or are about to get) work. */
  private updateRefs(): void {
    for (const slot of this.slots) {
      if (slot.busy.length > 0 || (!slot.ready && this.queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}
