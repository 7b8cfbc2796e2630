import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../src/api/studio-api.js';
import { applyJobEvent, type JobProgress } from '../src/live/use-job-progress.js';

const start: JobProgress = { done: 0, total: 0, costSoFar: {}, failures: 0, connected: true };
const fold = (events: JobEvent[]) => events.reduce(applyJobEvent, start);

// The progress view's fold of a job's events (the server's `{ seq, at, type, data }` messages).
describe('applyJobEvent', () => {
  it('counts units, names the file being made, then the file written, and keeps the cost so far', () => {
    const progress = fold([
      { seq: 1, type: 'run-start', data: { model: 'andie', total: 2, alreadyDone: 0, estimate: 24 } },
      { seq: 2, type: 'unit-start', data: { unitId: 'andie:s1:t001:sfw', index: 0, total: 2 } },
      { seq: 3, type: 'cost-recorded', data: { kind: 'actual', amount: 10, costSoFar: { credits: 10 } } },
      {
        seq: 4,
        type: 'unit-end',
        data: {
          unitId: 'andie:s1:t001:sfw',
          ok: true,
          done: 1,
          total: 2,
          outputKey: 'models/andie/results/sfw/source_1/enhanced/andie-s1-t001-sfw-enhanced.jpg',
        },
      },
      { seq: 5, type: 'unit-start', data: { unitId: 'andie:s1:t002:sfw', index: 1, total: 2 } },
    ]);
    expect(progress).toMatchObject({ done: 1, total: 2, current: 'andie-s1-t002-sfw', costSoFar: { credits: 10 } });
    const ended = fold([
      { type: 'unit-end', data: { unitId: 'andie:s1:t002:sfw', ok: false, done: 2, total: 2, failure: 'no face' } },
      { type: 'end', job: { id: 'job_1', type: 'run', state: 'completed', createdAt: '2026-12-06T15:00:00Z' } },
    ]);
    expect(ended).toMatchObject({ done: 2, total: 2, failures: 1, ended: { state: 'completed' } });
  });

  it('a resumed run starts over from what its run-start says is already done (the replay comes first)', () => {
    const progress = fold([
      { type: 'run-start', data: { total: 3, alreadyDone: 0 } },
      { type: 'unit-end', data: { ok: true, done: 1, total: 3 } },
      { type: 'run-start', data: { total: 3, alreadyDone: 1 } },
    ]);
    expect(progress).toMatchObject({ done: 1, total: 3 });
  });

  it('ignores events it does not show and keeps the state', () => {
    const progress = fold([
      { type: 'stage-end', data: { stage: 'swap' } },
      { type: 'job-unrecorded', data: {} },
    ]);
    expect(progress).toEqual(start);
  });
});
