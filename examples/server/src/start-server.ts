import type { JobWorker } from '@model-studio/jobs';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildServer } from './app.js';
import { ensureAdmin } from './auth/ensure-admin.js';
import { StorageAccountStore } from './auth/storage-account-store.js';
import { startJobWorker } from './jobs/start-job-worker.js';
import { openJobQueue } from './open-job-queue.js';
import type { ServerConfig } from './server-config.js';
import type { ServerContext } from './server-context.js';
import { createServerLogger } from './server-logger.js';
import { createStudioWiring } from './studio-wiring.js';

/** Options of {@link startServer} and {@link createServerContext}. */
export interface StartServerOptions {
  /** Where log lines go (tests capture them). @default stdout */
  logStream?: DestinationStream;
  /** Don't listen (the OpenAPI generator): `url` is empty. */
  listen?: boolean;
}

/** A context with what closes it. */
export interface OpenedServerContext {
  context: ServerContext;
  close(): Promise<void>;
}

/** Builds the {@link ServerContext}: logger, studio wiring, account store, job queue. */
export async function createServerContext(
  config: ServerConfig,
  options: StartServerOptions = {},
): Promise<OpenedServerContext> {
  const logger = createServerLogger({
    level: config.logLevel,
    ...(options.logStream && { stream: options.logStream }),
  });
  const wiring = await createStudioWiring(config, logger);
  try {
    const queue = await openJobQueue(config);
    const context: ServerContext = {
      config,
      openStudio: () => wiring.openStudio(),
      queue,
      accounts: new StorageAccountStore(wiring.storage),
      logger,
      provider: wiring.provider,
    };
    return {
      context,
      async close() {
        await queue.close();
        await wiring.close();
      },
    };
  } catch (error) {
    await wiring.close();
    throw error;
  }
}

/** A started server. */
export interface StartedServer {
  /** `http://host:port` it listens on. */
  url: string;
  app: FastifyInstance;
  context: ServerContext;
  /** The admin key created on this first start (printed once), when there was no admin. */
  adminKey?: string;
  /** Stops the worker, the server, the queue and the studio wiring. */
  close(): Promise<void>;
}

/**
 * Starts the server: builds the context, creates the first admin (and its key) when there is none, starts the job
 * worker in this process (embedded mode, or `config.worker`), and listens on `config.host:config.port`.
 */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<StartedServer> {
  const opened = await createServerContext(config, options);
  const { context } = opened;
  let worker: JobWorker | undefined;
  try {
    const admin = await ensureAdmin(context.accounts);
    const app = await buildServer(context);
    await app.ready();
    if (config.worker) worker = startJobWorker(context);
    const url = options.listen === false ? '' : await app.listen({ host: config.host, port: config.port });
    const started: StartedServer = {
      url,
      app,
      context,
      async close() {
        await worker?.stop();
        await app.close();
        await opened.close();
      },
    };
    if (admin) started.adminKey = admin.secret;
    return started;
  } catch (error) {
    await worker?.stop().catch(() => {});
    await opened.close().catch(() => {});
    throw error;
  }
}
