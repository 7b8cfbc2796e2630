import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { JobView } from '../api/studio-api.js';
import { useJobProgress } from '../live/use-job-progress.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { EstimateTable } from './estimate-table.js';
import { formatCost } from './format.js';
import { JobStateLabel } from './job-state-label.js';
import { ProgressBar } from './progress-bar.js';
import { Section } from './section.js';

const activeStates = new Set<JobView['state']>(['queued', 'running']);
const resumableStates = new Set<JobView['state']>(['cancelled', 'stopped', 'failed']);

/** Cost calculator, start, live progress (WebSocket), cancel and resume of a model's run. */
export function RunPanel({ model, ratings, lastJob }: { model: string; ratings: string[]; lastJob?: JobView }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const budgetId = useId();
  const [chosen, setChosen] = useState<string[]>(ratings);
  const [budget, setBudget] = useState('');
  const [jobId, setJobId] = useState(lastJob && activeStates.has(lastJob.state) ? lastJob.id : undefined);
  const options = { ratings: chosen.length > 0 ? chosen : undefined, budget: budget ? Number(budget) : undefined };
  const estimate = useMutation({ mutationFn: () => api.estimate(model, options) });
  const start = useMutation({ mutationFn: () => api.startRun(model, options), onSuccess: (job) => setJobId(job.id) });
  const job = useQuery({
    queryKey: ['job', jobId],
    queryFn: () => api.getJob(jobId as string),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data && !activeStates.has(query.state.data.state) ? false : 2_000),
  });
  const progress = useJobProgress(api, jobId);
  const cancel = useMutation({ mutationFn: (id: string) => api.cancelJob(id), onSuccess: () => job.refetch() });
  const resume = useMutation({
    mutationFn: () => api.resumeModel(model),
    onSuccess: (resumed) => setJobId(resumed.id),
  });
  const current = progress.ended ?? job.data ?? lastJob;
  const active = current !== undefined && activeStates.has(current.state);

  useEffect(() => {
    if (progress.ended) {
      void queryClient.invalidateQueries({ queryKey: ['model', model] });
      void queryClient.invalidateQueries({ queryKey: ['results', model] });
      void job.refetch();
    }
  }, [progress.ended, model, queryClient, job.refetch]);

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
                    setChosen(event.target.checked ? [...chosen, rating] : chosen.filter((item) => item !== rating))
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
          <EstimateTable estimate={estimate.data} />
        </div>
      ) : null}
      <div className="mt-4 space-y-3" aria-live="polite">
        <p className="text-sm">
          Job: <JobStateLabel job={current} />
        </p>
        {jobId ? (
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
              onClick={() => resume.mutate()}
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
