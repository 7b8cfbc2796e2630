import type { JobRecord } from '@model-studio/jobs';
import type { WebhookEventType } from './webhook-store.js';

/** The body of a delivery (Standard Webhooks shape: `type`, `timestamp`, `data`). */
export interface WebhookPayload {
  /** `job.completed`, `job.failed`, `job.stopped` or `job.cancelled`. */
  type: WebhookEventType;
  /** ISO 8601: when the job ended. */
  timestamp: string;
  /** The job as `GET /v1/jobs/:id` shows it. */
  data: JobRecord;
}

/** The event a job in a final state is delivered as, or `undefined` for a job that has not ended. */
export function webhookEventType(job: JobRecord): WebhookEventType | undefined {
  switch (job.state) {
    case 'completed':
      return 'job.completed';
    case 'failed':
      return 'job.failed';
    case 'stopped':
      return 'job.stopped';
    case 'cancelled':
      return 'job.cancelled';
    default:
      return undefined;
  }
}

/**
 * The `webhook-id` of a job's end: the same for every attempt at delivering it (and for every process that delivers
 * it), different for a later end of the same job after a resume, so receivers deduplicate on it.
 */
export function webhookMessageId(job: JobRecord): string {
  return `msg_${job.id}_${job.state}_${job.attempts}`;
}
