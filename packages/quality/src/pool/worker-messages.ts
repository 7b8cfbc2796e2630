import type { AnalyzeRequest, AnalyzeResult, FaceEngineOptions } from '../engine/face-engine.js';

/** Sent to a worker. */
export interface WorkerTask {
  id: number;
  request: AnalyzeRequest;
}

/** Sent by a worker. */
export type WorkerReply =
  | { type: 'ready'; backend: string; loadMs: number }
  | { type: 'init-error'; name: string; message: string }
  | { type: 'result'; id: number; result: AnalyzeResult }
  | { type: 'error'; id: number; message: string; unreadable: boolean };

/** `workerData` of a face worker. */
export interface FaceWorkerData {
  engine: FaceEngineOptions;
}
