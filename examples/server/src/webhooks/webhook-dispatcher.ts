import type { JobRecord } from '@model-studio/jobs';
import pRetry from 'p-retry';
import { Webhook } from 'standardwebhooks';
import { type WebhookPayload, webhookEventType, webhookMessageId } from './webhook-payload.js';
import type { StoredWebhook, WebhookStore } from './webhook-store.js';

/** Where the dispatcher reports deliveries (Fastify's pino logger fits). */
export interface WebhookLogger {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
}

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  store: WebhookStore;
  logger: WebhookLogger;
  /** Attempts per delivery (the first included). @default 6 */
  attempts?: number;
  /** Wait before the first retry, in ms; doubled each time (with jitter). @default 1000 */
  minRetryDelayMs?: number;
  /** Longest wait between attempts, in ms. @default 60000 */
  maxRetryDelayMs?: number;
  /** Time allowed for one attempt, in ms. @default 10000 */
  timeoutMs?: number;
}

/** Sends signed webhooks for jobs that ended. */
export interface WebhookDispatcher {
  /**
   * Delivers the end of `job` (a final state) to every webhook of its owner that subscribed to it, in the background:
   * the returned promise settles when every delivery succeeded or ran out of attempts (never rejects). Callers do not
   * wait on it (a delivery never blocks a job).
   */
  deliver(job: JobRecord): Promise<void>;
  /** Waits for deliveries under way (at most `timeoutMs`), then stops retrying. */
  close(timeoutMs?: number): Promise<void>;
}

class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/**
 * A dispatcher that signs each delivery with the Standard Webhooks scheme (`standardwebhooks`: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature` headers; the id is stable per job end so receivers deduplicate) and retries
 * with exponential backoff (p-retry) for a bounded number of attempts on any non-2xx answer or network error.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, logger } = options;
  const attempts = options.attempts ?? 6;
  const closing = new AbortController();
  const pending = new Set<Promise<void>>();

  async function send(webhook: StoredWebhook, id: string, body: string): Promise<void> {
    await pRetry(
      async (attempt) => {
        const timestamp = new Date();
        const signature = new Webhook(webhook.secret).sign(id, timestamp, body);
        const response = await fetch(webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'studio-server-webhooks',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body,
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)]),
        });
        await response.body?.cancel();
        if (!response.ok) throw new DeliveryError(`answered ${response.status} (attempt ${attempt})`);
      },
      {
        retries: attempts - 1,
        minTimeout: options.minRetryDelayMs ?? 1000,
        maxTimeout: options.maxRetryDelayMs ?? 60_000,
        randomize: true,
        signal: closing.signal,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          logger.warn(
            { webhook: webhook.id, messageId: id, attempt: attemptNumber, retriesLeft, reason: error.message },
            'webhook delivery failed',
          );
        },
      },
    );
    logger.info({ webhook: webhook.id, messageId: id }, 'webhook delivered');
  }

  async function deliverAll(job: JobRecord): Promise<void> {
    const type = webhookEventType(job);
    if (!type) return;
    const payload: WebhookPayload = { type, timestamp: job.endedAt ?? new Date().toISOString(), data: job };
    const body = JSON.stringify(payload);
    const id = webhookMessageId(job);
    const webhooks = (await store.list(job.owner)).filter((webhook) => webhook.events.includes(type));
    await Promise.all(
      webhooks.map((webhook) =>
        send(webhook, id, body).catch((error: unknown) => {
          logger.warn(
            { webhook: webhook.id, messageId: id, reason: error instanceof Error ? error.message : String(error) },
            'webhook delivery abandoned',
          );
        }),
      ),
    );
  }

  return {
    deliver(job) {
      const delivery = deliverAll(job).catch((error: unknown) => {
        logger.warn(
          { job: job.id, reason: error instanceof Error ? error.message : String(error) },
          'webhooks not read',
        );
      });
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
      return delivery;
    },
    async close(timeoutMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([Promise.all(pending), timeout]);
      clearTimeout(timer);
      closing.abort();
      await Promise.all(pending);
    },
  };
}
