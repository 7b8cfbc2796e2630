import type { JobHandler } from '@model-studio/jobs';
import { captionJobHandler } from './handlers/caption-handler.js';
import { resumeJobHandler } from './handlers/resume-handler.js';
import { runJobHandler } from './handlers/run-handler.js';
import { trainJobHandler } from './handlers/train-handler.js';
import type { OpenJobStudio } from './job-studio.js';

/** The job types the server enqueues. */
export const jobTypes = ['run', 'resume', 'caption', 'train'] as const;

/** The handlers a worker runs, by job type. */
export function createJobHandlers(openStudio: OpenJobStudio): Record<string, JobHandler> {
  return {
    run: runJobHandler(openStudio),
    resume: resumeJobHandler(openStudio),
    caption: captionJobHandler(openStudio),
    train: trainJobHandler(openStudio),
  };
}
