import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobQueue } from '@model-studio/jobs';
import type { ServerConfig } from './server-config.js';

interface QueueFactories {
  createEmbeddedJobQueue?: (options: { dir: string }) => JobQueue | Promise<JobQueue>;
  createBullmqJobQueue?: (options: {
    connection: string;
    prefix?: string;
    lockDuration?: number;
    stalledInterval?: number;
  }) => JobQueue | Promise<JobQueue>;
}

/**
 * The job queue the config asks for: BullMQ on `REDIS_URL` (scale-out), else the embedded queue in
 * `<workspace>/.jobs`.
 */
export async function openJobQueue(config: ServerConfig): Promise<JobQueue> {
  const jobs = (await import('@model-studio/jobs')) as QueueFactories;
  if (config.redisUrl !== undefined) {
    if (!jobs.createBullmqJobQueue) throw new Error('@model-studio/jobs has no createBullmqJobQueue yet.');
    // STUDIO_JOB_LOCK_MS / STUDIO_JOB_STALLED_MS: how soon another worker takes over the job of a dead one.
    const lockDuration = Number(process.env.STUDIO_JOB_LOCK_MS) || undefined;
    const stalledInterval = Number(process.env.STUDIO_JOB_STALLED_MS) || undefined;
    return jobs.createBullmqJobQueue({
      connection: config.redisUrl,
      prefix: 'studio',
      ...(lockDuration && { lockDuration }),
      ...(stalledInterval && { stalledInterval }),
    });
  }
  if (!jobs.createEmbeddedJobQueue) throw new Error('@model-studio/jobs has no createEmbeddedJobQueue yet.');
  const dir = join(config.workspace, '.jobs');
  await mkdir(dir, { recursive: true });
  return jobs.createEmbeddedJobQueue({ dir });
}
