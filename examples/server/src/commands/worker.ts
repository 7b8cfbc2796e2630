import type { Command } from 'commander';
import { startJobWorker } from '../jobs/start-job-worker.js';
import { loadServerConfig } from '../server-config.js';
import { createServerContext } from '../start-server.js';

/** Flags of `studio-server worker`. */
interface WorkerFlags {
  workspace?: string;
  redisUrl?: string;
  concurrency?: string;
  logLevel?: string;
}

/** A started worker process's parts, for {@link startWorker}'s callers (the command and tests). */
export interface StartedWorker {
  /** The queue kind (`bullmq`). */
  queue: string;
  /** Stops taking jobs (running ones stay remembered for another worker), then closes the queue and the studio. */
  close(): Promise<void>;
}

/**
 * Starts a worker that only works jobs from Redis (no HTTP): the same handlers as the server's own worker. Throws
 * when no Redis URL is configured (an embedded queue is worked by the server that owns its folder).
 */
export async function startWorker(flags: WorkerFlags = {}): Promise<StartedWorker> {
  const config = loadServerConfig(process.env, {
    ...(flags.workspace !== undefined && { workspace: flags.workspace }),
    ...(flags.redisUrl !== undefined && { redisUrl: flags.redisUrl }),
    ...(flags.logLevel !== undefined && { logLevel: flags.logLevel }),
    worker: true,
  });
  if (config.redisUrl === undefined) {
    throw new Error(
      'studio-server worker works jobs from Redis: set REDIS_URL (or --redis-url) to the Redis the API server uses. ' +
        'Without Redis, `studio-server start` runs the jobs itself.',
    );
  }
  const concurrency = flags.concurrency === undefined ? 1 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`--concurrency must be a whole number >= 1 (got "${flags.concurrency}").`);
  }
  const opened = await createServerContext(config);
  const worker = startJobWorker(opened.context, { concurrency });
  return {
    queue: opened.context.queue.kind,
    async close() {
      await worker.stop();
      await opened.close();
    },
  };
}

/** `studio-server worker`: works jobs from Redis (`REDIS_URL`) until SIGINT or SIGTERM; run as many as you like. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('work jobs from Redis (REDIS_URL) without serving HTTP; run one per machine or more')
    .option('--workspace <dir>', 'workspace folder shared with the API server (STUDIO_WORKSPACE)')
    .option('--redis-url <url>', 'the Redis the API server uses (REDIS_URL)')
    .option('--concurrency <n>', 'jobs at once in this process (one per model at a time across workers)', '1')
    .option('--log-level <level>', 'pino level (LOG_LEVEL)')
    .action(async (flags: WorkerFlags) => {
      const worker = await startWorker(flags);
      process.stderr.write(
        `studio-server worker ${process.pid} working ${worker.queue} jobs (concurrency ${flags.concurrency ?? 1})\n`,
      );
      const stop = async () => {
        await worker.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
