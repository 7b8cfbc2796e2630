import type { CaptionOptions } from '@model-studio/core';
import type { JobHandler } from '@model-studio/jobs';
import type { CaptionJobParams } from '../job-params.js';
import type { OpenJobStudio } from '../job-studio.js';
import { runSummaryResult } from '../run-summary-result.js';
import { studioRunOptions } from './studio-run-options.js';

/**
 * The `caption` job: `studio.caption(model)` writes a caption for every enhanced result that has none, journaled like
 * a run (a paid caption is never paid twice after a crash). Safe to run again: captioned results are skipped.
 */
export function captionJobHandler(openStudio: OpenJobStudio): JobHandler {
  return async (job, context) => {
    const params = job.params as CaptionJobParams;
    const opened = await openStudio();
    try {
      const { options, events } = studioRunOptions(context, params.budget);
      const captionOptions: CaptionOptions = { ...options };
      if (params.ratings) captionOptions.ratings = params.ratings;
      const summary = await opened.studio.caption(job.model, captionOptions).finally(() => events.flush());
      return runSummaryResult(summary, opened.sandbox, context.signal);
    } finally {
      await opened.close();
    }
  };
}
