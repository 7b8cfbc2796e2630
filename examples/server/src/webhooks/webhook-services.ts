import type { Storage } from '@model-studio/core';
import type { ServerContext } from '../server-context.js';
import {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhook-dispatcher.js';
import { WebhookStore } from './webhook-store.js';

/** The webhook store and dispatcher of one server context (one per process). */
export interface WebhookServices {
  store(): Promise<WebhookStore>;
  dispatcher: WebhookDispatcher;
}

const services = new WeakMap<ServerContext, WebhookServices>();
const retryOptions = new WeakMap<ServerContext, Partial<WebhookDispatcherOptions>>();

/** Sets delivery retry options for a context before its services are first used (tests shorten the backoff). */
export function configureWebhookDelivery(context: ServerContext, options: Partial<WebhookDispatcherOptions>): void {
  retryOptions.set(context, options);
}

/** The dispatcher's retry options from the server's config (`STUDIO_WEBHOOK_*`, see `ServerWebhookSettings`). */
function configRetryOptions(context: ServerContext): Partial<WebhookDispatcherOptions> {
  const { attempts, retryDelayMs, maxRetryDelayMs, timeoutMs } = context.config.webhooks;
  return { attempts, minRetryDelayMs: retryDelayMs, maxRetryDelayMs, timeoutMs };
}

/**
 * The webhook services of a server context, made on first use. Webhooks live in the workspace's storage (found
 * through a studio opened once), so every process sharing the workspace sees them. The config's `webhooks`
 * (`STUDIO_WEBHOOK_ATTEMPTS`, `STUDIO_WEBHOOK_RETRY_MS`, `STUDIO_WEBHOOK_MAX_RETRY_MS`, `STUDIO_WEBHOOK_TIMEOUT_MS`)
 * tune the retries; {@link configureWebhookDelivery} wins over them.
 */
export function webhookServices(context: ServerContext): WebhookServices {
  const existing = services.get(context);
  if (existing) return existing;
  let store: Promise<WebhookStore> | undefined;
  const storeOf = (): Promise<WebhookStore> => {
    store ??= (async () => {
      const opened = await context.openStudio();
      const storage: Storage = opened.workspace.storage;
      await opened.close();
      return new WebhookStore(storage);
    })();
    return store;
  };
  const lazyStore = {
    list: async (owner?: string) => (await storeOf()).list(owner),
  } as WebhookStore;
  const made: WebhookServices = {
    store: storeOf,
    dispatcher: createWebhookDispatcher({
      store: lazyStore,
      logger: context.logger,
      ...configRetryOptions(context),
      ...retryOptions.get(context),
    }),
  };
  services.set(context, made);
  return made;
}
