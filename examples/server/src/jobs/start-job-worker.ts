import type { JobWorker, JobWorkerOptions } from '@model-studio/jobs';
import type { ServerContext } from '../server-context.js';
import { withWebhookDelivery } from '../webhooks/deliver-on-job-end.js';
import { webhookServices } from '../webhooks/webhook-services.js';
import { createJobHandlers } from './job-handlers.js';

/**
 * Starts working the context's queue in this process with every job type's handler (each job opens its own studio);
 * the end of every job it runs is delivered to its owner's webhooks. Stop it with `worker.stop()` (running jobs stay
 * remembered for the next worker or start), then close the webhook dispatcher.
 */
export function startJobWorker(context: ServerContext, options: JobWorkerOptions = {}): JobWorker {
  const { dispatcher } = webhookServices(context);
  const handlers = withWebhookDelivery({ ...createJobHandlers(() => context.openStudio()) }, context.queue, dispatcher);
  const worker = context.queue.work(handlers, options);
  return {
    async stop() {
      await worker.stop();
      await dispatcher.close();
    },
  };
}
