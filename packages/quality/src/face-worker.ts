/**
 * Worker-thread entry: loads the face models once, then analyses images sent by the pool one at a time.
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FaceEngine } from './engine/face-engine.js';
import { isUnreadableImageError } from './engine/unreadable.js';
import type { FaceWorkerData, WorkerReply, WorkerTask } from './pool/worker-messages.js';

const port = parentPort;
if (port) {
  const data = workerData as FaceWorkerData;
  const started = performance.now();
  const post = (reply: WorkerReply) => port.postMessage(reply);
  FaceEngine.create(data.engine).then(
    (engine) => {
      post({ type: 'ready', backend: engine.backend, loadMs: performance.now() - started });
      port.on('message', (task: WorkerTask) => {
        engine.analyze(task.request).then(
          (result) => post({ type: 'result', id: task.id, result }),
          (error: unknown) =>
            post({
              type: 'error',
              id: task.id,
              message: error instanceof Error ? error.message : String(error),
              unreadable: isUnreadableImageError(error),
            }),
        );
      });
    },
    (error: unknown) =>
      post({
        type: 'init-error',
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
}
