import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBullmqJobQueue, createEmbeddedJobQueue, type JobQueue } from '@model-studio/jobs';
import type { ServerConfig } from './server-config.js';

/**
 * The job queue the config asks for: BullMQ on `REDIS_URL` with the prefix `studio` (scale-out: every server and
 * worker process on that Redis shares it; `config.jobTakeover`, from `STUDIO_JOB_LOCK_MS` / `STUDIO_JOB_STALLED_MS`,
 * says how soon another worker takes over the job of a dead one), else the embedded queue in `<workspace>/.jobs`
 * (one process).
 */
export async function openJobQueue(config: ServerConfig): Promise<JobQueue> {
  if (config.redisUrl !== undefined) {
    const { lockMs, stalledMs } = config.jobTakeover;
    return createBullmqJobQueue({
      connection: config.redisUrl,
      prefix: 'studio',
      ...(lockMs !== undefined && { lockDuration: lockMs }),
      ...(stalledMs !== undefined && { stalledInterval: stalledMs }),
    });
  }
  const dir = join(config.workspace, '.jobs');
  await mkdir(dir, { recursive: true });
  return createEmbeddedJobQueue({ dir });
}
