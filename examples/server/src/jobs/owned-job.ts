import { JobNotFoundError, type JobQueue, type JobRecord } from '@model-studio/jobs';

/**
 * The job with this id when `owner` asked for it; a `JobNotFoundError` (404) otherwise, also for another user's job,
 * so nothing tells whether it exists.
 */
export async function ownedJob(queue: JobQueue, id: string, owner: string): Promise<JobRecord> {
  const job = await queue.get(id);
  if (!job || job.owner !== owner) throw new JobNotFoundError(id);
  return job;
}
