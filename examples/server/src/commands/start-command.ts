import type { Command } from 'commander';
import { loadServerConfig } from '../server-config.js';
import { startServer } from '../start-server.js';

/** Options of `studio-server start`. */
interface StartFlags {
  workspace?: string;
  host?: string;
  port?: string;
  redisUrl?: string;
  worker?: boolean;
  logLevel?: string;
}

/** `studio-server start` (the default command): starts the server and prints its URL and, on a first start, the admin key. */
export function registerStartCommand(program: Command): void {
  program
    .command('start', { isDefault: true })
    .description('start the server (embedded job queue unless REDIS_URL is set)')
    .option('--workspace <dir>', 'workspace folder (STUDIO_WORKSPACE)')
    .option('--host <host>', 'address to listen on (HOST)')
    .option('--port <port>', 'port, 0 for a free one (PORT)')
    .option('--redis-url <url>', 'BullMQ on Redis for scale-out (REDIS_URL)')
    .option('--worker', 'also run a job worker in this process (default without Redis)')
    .option('--no-worker', 'run no job worker in this process')
    .option('--log-level <level>', 'pino level (LOG_LEVEL)')
    .action(async (flags: StartFlags) => {
      const config = loadServerConfig(process.env, {
        ...(flags.workspace !== undefined && { workspace: flags.workspace }),
        ...(flags.host !== undefined && { host: flags.host }),
        ...(flags.port !== undefined && { port: Number(flags.port) }),
        ...(flags.redisUrl !== undefined && { redisUrl: flags.redisUrl }),
        ...(flags.worker !== undefined && { worker: flags.worker }),
        ...(flags.logLevel !== undefined && { logLevel: flags.logLevel }),
      });
      const server = await startServer(config);
      const banner = [
        `studio-server listening on ${server.url} (docs: ${server.url}/docs)`,
        `workspace: ${config.workspace}; jobs: ${server.context.queue.kind}${config.worker ? ' (worker in this process)' : ''}`,
        server.context.provider.sandbox
          ? `SANDBOX: ${server.context.provider.label}. Set MAXSTUDIO_API_KEY (and S3_*) for the real API.`
          : `provider: ${server.context.provider.label}`,
      ];
      if (server.adminKey) {
        banner.push(
          'First start: created the user "admin" with this admin API key. It is shown ONCE; store it now:',
          `  ${server.adminKey}`,
        );
      }
      process.stderr.write(`${banner.join('\n')}\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
