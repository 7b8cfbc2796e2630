import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBullmqJobQueue, createEmbeddedJobQueue, type JobQueue } from '@model-studio/jobs';
import type { ServerConfig } from './server-config.js';

/**
 * The job queue the config asks for: BullMQ on `REDIS_URL` with the prefix `studio` (scale-out: every server and
 * worker process on that Redis shares it), else the embedded queue in `<workspace>/.jobs` (one process).
 */
export async function openJobQueue(config: ServerConfig): Promise<JobQueue> {
  if (config.redisUrl !== undefined) {
    // STUDIO_JOB_LOCK_MS / STUDIO_JOB_STALLED_MS: how soon another worker takes over the job of a dead one.
    const lockDuration = Number(process.env.STUDIO_JOB_LOCK_MS) || undefined;
    const stalledInterval = Number(process.env.STUDIO_JOB_STALLED_MS) || undefined;
    return createBullmqJobQueue({
      connection: config.redisUrl,
      prefix: 'studio',
      ...(lockDuration && { lockDuration }),
      ...(stalledInterval && { stalledInterval }),
    });
  }
  const dir = join(config.workspace, '.jobs');
  await mkdir(dir, { recursive: true });
  return createEmbeddedJobQueue({ dir });
}
