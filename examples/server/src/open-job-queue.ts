import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBullmqJobQueue, createEmbeddedJobQueue, type JobQueue } from '@model-studio/jobs';
import type { ServerConfig } from './server-config.js';

/**
 * The job queue the config asks for: BullMQ on `REDIS_URL` with the prefix `studio` (scale-out: every server and
 * worker process on that Redis shares it), else the embedded queue in `<workspace>/.jobs` (one process).
 */
export async function openJobQueue(config: ServerConfig): Promise<JobQueue> {
  if (config.redisUrl !== undefined) return createBullmqJobQueue({ connection: config.redisUrl, prefix: 'studio' });
  const dir = join(config.workspace, '.jobs');
  await mkdir(dir, { recursive: true });
  return createEmbeddedJobQueue({ dir });
}
