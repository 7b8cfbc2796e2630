import type { RunOptions, StudioEvent } from '@model-studio/core';
import type { JobContext } from '@model-studio/jobs';
import { createJobEventForwarder, type JobEventForwarder } from '../job-event-forwarder.js';
import { studioEventData } from '../studio-event-data.js';

/**
 * How long a batch of run events waits for more before it is written: a run logs ~4 events per unit, so with 16 units
 * in flight a batch gathers several (one write and one fsync each), and a progress view sees them at most this late.
 */
const runEventLingerMs = 100;

/** Run options whose events go to the job's log in batches, and the forwarder to flush before the handler returns. */
export function studioRunOptions(
  context: JobContext,
  budget: number | undefined,
): { options: RunOptions; events: JobEventForwarder } {
  const events = createJobEventForwarder(context, { lingerMs: runEventLingerMs });
  const costSoFar: Record<string, number> = {};
  const options: RunOptions = {
    signal: context.signal,
    onEvent: (event: StudioEvent) => {
      const data = studioEventData(event, costSoFar);
      if (data) events.push(data.type, data.data);
    },
  };
  if (budget !== undefined) options.budget = { limit: budget, unit: 'credits' };
  return { options, events };
}
