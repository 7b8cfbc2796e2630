import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { JobState, JobView, ModelOverviewView } from '../api/studio-api.js';
import { useJobProgress } from '../live/use-job-progress.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { EstimateTable } from './estimate-table.js';
import { formatCost } from './format.js';
import { JobStateLabel } from './job-state-label.js';
import { ProgressBar } from './progress-bar.js';
import { Section } from './section.js';

const activeStates = new Set<string>(['queued', 'running'] satisfies JobState[]);
const resumableStates = new Set<string>(['cancelled', 'stopped', 'failed'] satisfies JobState[]);

/** The job followed, and how many times it was resumed here (a resumed job keeps its id). */
interface Follow {
  id: string;
  round: number;
}

/** Follows the model's current job: its record (polled while active) and its live events over the WebSocket. */
function useCurrentJob(model: string, follow: Follow | undefined) {
  const api = useApi();
  const queryClient = useQueryClient();
  const jobId = follow?.id;
  const job = useQuery({
    queryKey: ['job', jobId, follow?.round],
    queryFn: () => api.getJob(jobId as string),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data && !activeStates.has(query.state.data.state) ? false : 2_000),
  });
  const progress = useJobProgress(api, jobId, follow?.round ?? 0);
  const { refetch } = job;
  useEffect(() => {
    if (!progress.ended) return;
    void queryClient.invalidateQueries({ queryKey: ['model', model] });
    void queryClient.invalidateQueries({ queryKey: ['results', model] });
    void queryClient.invalidateQueries({ queryKey: ['thumbnail', model] });
    void queryClient.invalidateQueries({ queryKey: ['models'] });
    void refetch();
  }, [progress.ended, model, queryClient, refetch]);
  return { job, progress };
}

/** Cost calculator, start, live progress (WebSocket), cancel and resume of a model's run. */
export function RunPanel({ overview }: { overview: ModelOverviewView }) {
  const { name: model, allowedRatings: ratings, lastJob } = overview;
  const api = useApi();
  const budgetId = useId();
  // Ratings the user unticked (a rating consent adds later is ticked by default).
  const [excluded, setExcluded] = useState<string[]>([]);
  const chosen = ratings.filter((rating) => !excluded.includes(rating));
  const [budget, setBudget] = useState('');
  const [follow, setFollow] = useState<Follow | undefined>(
    lastJob && activeStates.has(lastJob.state) ? { id: lastJob.id, round: 0 } : undefined,
  );
  const ratingsAsked = chosen.length > 0 ? chosen : undefined;
  const budgetAsked = budget ? Number(budget) : undefined;
  // The credits left come with each estimate (a failure to read them leaves the estimate standing).
  const estimate = useMutation({
    mutationFn: async () => {
      const [priced, credits] = await Promise.all([
        api.estimate(model, { ratings: ratingsAsked }),
        api.credits().catch(() => undefined),
      ]);
      return { priced, credits };
    },
  });
  const start = useMutation({
    mutationFn: () => api.startRun(model, { ratings: ratingsAsked, budget: budgetAsked }),
    onSuccess: (job) => setFollow({ id: job.id, round: 0 }),
  });
  const { job, progress } = useCurrentJob(model, follow);
  const cancel = useMutation({ mutationFn: (id: string) => api.cancelJob(id), onSuccess: () => job.refetch() });
  const resume = useMutation({
    mutationFn: (id: string) => api.resumeJob(id),
    onSuccess: (resumed) => setFollow({ id: resumed.id, round: (follow?.round ?? 0) + 1 }),
  });
  const current: JobView | undefined = progress.ended ?? job.data ?? lastJob;
  const active = current !== undefined && activeStates.has(current.state);

  function submit(event: FormEvent) {
    event.preventDefault();
    estimate.mutate();
  }
  return (
    <Section title="Run">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-4" aria-label="Cost calculator">
        <fieldset>
          <legend className="mb-1 text-sm font-medium">Ratings</legend>
          <div className="flex flex-wrap gap-3 text-sm">
            {ratings.length === 0 ? <span className="text-slate-600">Record consent first</span> : null}
            {ratings.map((rating) => (
              <label key={rating} className="flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={chosen.includes(rating)}
                  onChange={(event) =>
                    setExcluded(
                      event.target.checked ? excluded.filter((item) => item !== rating) : [...excluded, rating],
                    )
                  }
                />
                {rating}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor={budgetId} className="mb-1 block text-sm font-medium">
            Budget (credits, optional)
          </label>
          <input
            id={budgetId}
            type="number"
            min="0"
            step="any"
            inputMode="decimal"
            value={budget}
            onChange={(event) => setBudget(event.target.value)}
            className="w-40 rounded-md border border-slate-400 px-3 py-2"
          />
        </div>
        <button
          type="submit"
          disabled={estimate.isPending}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100"
        >
          Estimate cost
        </button>
        <button
          type="button"
          disabled={start.isPending || active}
          onClick={() => start.mutate()}
          className="rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
        >
          Start run
        </button>
      </form>
      {estimate.error ? <ErrorMessage error={estimate.error} title="No estimate" /> : null}
      {start.error ? <ErrorMessage error={start.error} title="The run did not start" /> : null}
      {estimate.data ? (
        <div className="mt-4">
          <EstimateTable
            estimate={estimate.data.priced}
            credits={estimate.data.credits}
            sources={overview.sources}
            targets={overview.targets}
            budget={budgetAsked}
          />
        </div>
      ) : null}
      <div className="mt-4 space-y-3">
        <p className="text-sm" aria-live="polite">
          Job: <JobStateLabel job={current} />
        </p>
        {follow ? (
          <>
            <ProgressBar label="Run progress" done={progress.done} total={progress.total} current={progress.current} />
            <p className="text-sm text-slate-700">
              Cost so far: {formatCost(progress.costSoFar)}
              {progress.failures > 0 ? ` · ${progress.failures} units failed` : ''}
            </p>
          </>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {current && active ? (
            <button
              type="button"
              onClick={() => cancel.mutate(current.id)}
              disabled={cancel.isPending}
              className="rounded-md border border-red-700 px-4 py-2 font-medium text-red-800 hover:bg-red-50"
            >
              Cancel run
            </button>
          ) : null}
          {current && resumableStates.has(current.state) ? (
            <button
              type="button"
              onClick={() => resume.mutate(current.id)}
              disabled={resume.isPending}
              className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100"
            >
              Resume run
            </button>
          ) : null}
        </div>
        {cancel.error ? <ErrorMessage error={cancel.error} title="Could not cancel" /> : null}
        {resume.error ? <ErrorMessage error={resume.error} title="Could not resume" /> : null}
      </div>
    </Section>
  );
}
