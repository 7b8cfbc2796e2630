import { randomBytes } from 'node:crypto';
import { NotFoundError, type Storage, ValidationError } from '@model-studio/core';

/** Job events a webhook can receive: one per final state of a job. */
export const webhookEventTypes = ['job.completed', 'job.failed', 'job.stopped', 'job.cancelled'] as const;
/** One of {@link webhookEventTypes}. */
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** A webhook as listed (never its secret). */
export interface WebhookRecord {
  /** `wh_<random>`. */
  id: string;
  /** The user whose jobs it reports. */
  owner: string;
  /** Where deliveries are POSTed (http or https). */
  url: string;
  /** The events it receives. */
  events: WebhookEventType[];
  /** A free label. */
  description?: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A webhook with its signing secret, as stored (`server/webhooks/<id>.json` in the workspace's storage). */
export interface StoredWebhook extends WebhookRecord {
  /** `whsec_<base64>`: the Standard Webhooks signing secret, shown once when the webhook is created. */
  secret: string;
}

/** What to register. */
export interface NewWebhook {
  url: string;
  events?: WebhookEventType[];
  description?: string;
}

const prefix = 'server/webhooks/';
const idPattern = /^wh_[A-Za-z0-9_-]{16,64}$/;
const keyOf = (id: string) => `${prefix}${id}.json`;

/** Drops the secret of a stored webhook. */
export function withoutSecret(webhook: StoredWebhook): WebhookRecord {
  const { secret: _secret, ...record } = webhook;
  return record;
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`The webhook URL "${url}" is not a URL: give an absolute http(s) URL.`, { field: 'url' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError(`The webhook URL must be http or https (got ${parsed.protocol}).`, { field: 'url' });
  }
  if (parsed.username || parsed.password) {
    throw new ValidationError('The webhook URL must not carry a user name or password: deliveries are signed.', {
      field: 'url',
    });
  }
}

/**
 * Webhooks per user, kept in the workspace's storage (`server/webhooks/<id>.json`) so that every server and worker
 * process sharing the workspace delivers them. Secrets are kept to sign deliveries and never listed.
 */
export class WebhookStore {
  readonly #storage: Storage;
  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** Registers a webhook for `owner`; the returned record holds the secret (show it once). */
  async create(owner: string, input: NewWebhook): Promise<StoredWebhook> {
    checkUrl(input.url);
    const webhook: StoredWebhook = {
      id: `wh_${randomBytes(12).toString('base64url')}`,
      owner,
      url: input.url,
      events: [...new Set(input.events ?? webhookEventTypes)],
      createdAt: new Date().toISOString(),
      secret: `whsec_${randomBytes(24).toString('base64')}`,
    };
    if (input.description) webhook.description = input.description;
    const body = new TextEncoder().encode(`${JSON.stringify(webhook, null, 2)}\n`);
    await this.#storage.put(keyOf(webhook.id), body, { contentType: 'application/json' });
    return webhook;
  }

  /** Every webhook (with secrets), or those of one owner. */
  async list(owner?: string): Promise<StoredWebhook[]> {
    const webhooks: StoredWebhook[] = [];
    for await (const object of this.#storage.list({ prefix })) {
      if (!object.key.endsWith('.json')) continue;
      const webhook = await this.#read(object.key);
      if (webhook && (owner === undefined || webhook.owner === owner)) webhooks.push(webhook);
    }
    return webhooks.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** Deletes `owner`'s webhook; a `NotFoundError` for an unknown id or another user's webhook. */
  async delete(owner: string, id: string): Promise<void> {
    const webhook = idPattern.test(id) ? await this.#read(keyOf(id)) : undefined;
    if (!webhook || webhook.owner !== owner) {
      throw new NotFoundError(`No webhook has the id "${id}": list your webhooks to find it.`, {
        kind: 'webhook',
        name: id,
      });
    }
    await this.#storage.delete(keyOf(id));
  }

  async #read(key: string): Promise<StoredWebhook | undefined> {
    if ((await this.#storage.head(key)) === undefined) return undefined;
    try {
      return JSON.parse(await new Response(await this.#storage.get(key)).text()) as StoredWebhook;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }
}
