import type { PlanOptions } from '@model-studio/core';
import type { JobHandler } from '@model-studio/jobs';
import type { RunJobParams } from '../job-params.js';
import type { OpenJobStudio } from '../job-studio.js';
import { runSummaryResult } from '../run-summary-result.js';
import { studioRunOptions } from './studio-run-options.js';

/**
 * The `run` job: plans the model's run from the job's params and runs it. Safe to run again (a takeover after a
 * crash, a resume): the same plan is run, so the orchestrator's journal skips the units done and reattaches the jobs
 * journaled in flight; nothing is paid twice.
 */
export function runJobHandler(openStudio: OpenJobStudio): JobHandler {
  return async (job, context) => {
    const params = job.params as RunJobParams;
    const opened = await openStudio();
    try {
      const planOptions: PlanOptions = {};
      if (params.ratings) planOptions.ratings = params.ratings;
      if (params.sources) planOptions.sources = params.sources;
      if (params.targets) planOptions.targets = params.targets;
      const plan = await opened.studio.plan(job.model, planOptions);
      const { options, events } = studioRunOptions(context, params.budget);
      if (params.concurrency !== undefined) options.concurrency = params.concurrency;
      if (context.attempt > 1) await context.emit('job-retry', { attempt: context.attempt });
      const summary = await opened.studio.run(plan, options).finally(() => events.flush());
      return runSummaryResult(summary, opened.sandbox, context.signal);
    } finally {
      await opened.close();
    }
  };
}
