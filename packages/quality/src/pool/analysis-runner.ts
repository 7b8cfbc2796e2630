import { type AnalyzeRequest, type AnalyzeResult, FaceEngine, type FaceEngineOptions } from '../engine/face-engine.js';
import { WorkerPool } from './worker-pool.js';

/** Runs analyses somewhere: worker threads or the calling thread. */
export interface AnalysisRunner {
  run(request: AnalyzeRequest, signal?: AbortSignal): Promise<AnalyzeResult>;
  close(): Promise<void>;
  /** The tfjs backend in use, once known. */
  readonly backend: string | undefined;
  /** Milliseconds taken to load the models (slowest worker), once known. */
  readonly loadMs: number;
  /** Worker threads alive (0 when running in the calling thread). */
  readonly threadCount: number;
}

/** Runs the engine in the calling thread (`workers: 0`). */
export class InProcessRunner implements AnalysisRunner {
  private engine: Promise<FaceEngine> | undefined;
  private closed = false;
  backend: string | undefined;
  loadMs = 0;
  readonly threadCount = 0;

  constructor(private readonly options: FaceEngineOptions) {}

  async run(request: AnalyzeRequest, signal?: AbortSignal): Promise<AnalyzeResult> {
    if (this.closed) throw new Error('The quality checker is closed; create a new one.');
    signal?.throwIfAborted();
    if (!this.engine) {
      const started = performance.now();
      this.engine = FaceEngine.create(this.options).then((engine) => {
        this.backend = engine.backend;
        this.loadMs = performance.now() - started;
        return engine;
      });
      this.engine.catch(() => (this.engine = undefined));
    }
    const engine = await this.engine;
    signal?.throwIfAborted();
    const result = await engine.analyze(request);
    signal?.throwIfAborted();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A runner with `workers` threads, or the calling thread when `workers` is 0. */
export function createAnalysisRunner(workers: number, options: FaceEngineOptions): AnalysisRunner {
  return workers > 0 ? new WorkerPool(workers, options) : new InProcessRunner(options);
}
