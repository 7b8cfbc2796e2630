import { isFinalJobState, type JobHandler, type JobQueue, type JobRecord } from '@model-studio/jobs';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

const pollMs = 100;
const watchMs = 60_000;

/**
 * The job once it reached a final state (the queue sets it after the handler returns), or `undefined` when it does
 * not end soon: its worker stopped (the job stays running for the next worker) or the watch timed out.
 */
async function finalJob(queue: JobQueue, id: string, workerStopped: () => boolean): Promise<JobRecord | undefined> {
  const until = Date.now() + watchMs;
  while (Date.now() < until) {
    const job = await queue.get(id);
    if (!job) return undefined;
    if (isFinalJobState(job.state)) return job;
    if (workerStopped() && !job.cancelRequested) return undefined;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return undefined;
}

/**
 * Wraps job handlers so that the worker that ran a job delivers its end (completed, failed, stopped, cancelled) to
 * the owner's webhooks, once the queue has recorded the final state. Deliveries run in the background: they never
 * delay the job or the next one.
 */
export function withWebhookDelivery(
  handlers: Record<string, JobHandler>,
  queue: JobQueue,
  dispatcher: WebhookDispatcher,
): Record<string, JobHandler> {
  const wrapped: Record<string, JobHandler> = {};
  for (const [type, handler] of Object.entries(handlers)) {
    wrapped[type] = async (job, context) => {
      try {
        return await handler(job, context);
      } finally {
        void finalJob(queue, job.id, () => context.signal.aborted)
          .then((ended) => (ended ? dispatcher.deliver(ended) : undefined))
          .catch(() => undefined);
      }
    };
  }
  return wrapped;
}
