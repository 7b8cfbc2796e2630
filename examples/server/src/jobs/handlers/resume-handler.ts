import type { JobHandler } from '@model-studio/jobs';
import type { ResumeJobParams } from '../job-params.js';
import type { OpenJobStudio } from '../job-studio.js';
import { runSummaryResult } from '../run-summary-result.js';
import { studioRunOptions } from './studio-run-options.js';

/**
 * The `resume` job: `studio.resume(model)` runs what is left of every unit the journal shows as planned (done stages
 * skipped, journaled jobs reattached, uncertain ones left alone unless `resubmitUncertain`). Safe to run again.
 */
export function resumeJobHandler(openStudio: OpenJobStudio): JobHandler {
  return async (job, context) => {
    const params = job.params as ResumeJobParams;
    const opened = await openStudio();
    try {
      const { options, events } = studioRunOptions(context, params.budget);
      if (params.resubmitUncertain) options.resubmitUncertain = true;
      const summary = await opened.studio.resume(job.model, options).finally(() => events.flush());
      return runSummaryResult(summary, opened.sandbox, context.signal);
    } finally {
      await opened.close();
    }
  };
}
