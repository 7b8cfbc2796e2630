import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { DatasetView, JobView, TrainingEngine } from '../api/studio-api.js';
import { useJobProgress } from '../live/use-job-progress.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { JobStateLabel } from './job-state-label.js';
import { LossChart, lossSummary } from './loss-chart.js';
import { ProgressBar } from './progress-bar.js';
import { Section } from './section.js';
import { images } from './training-dataset-panel.js';
import { TrainingFindings } from './training-findings.js';

const activeStates = new Set(['queued', 'running']);
const field = 'rounded-md border border-slate-400 px-3 py-2';

/** `95` → `1 min 35 s`. */
function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return 'unknown';
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.round(seconds)} s`;
}

/** Follows a training job: its record (polled while active) and its live events over the WebSocket. */
function useTrainingJob(model: string, jobId: string | undefined) {
  const api = useApi();
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ['job', jobId, 'train'],
    queryFn: () => api.getJob(jobId as string),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data && !activeStates.has(query.state.data.state) ? false : 2_000),
  });
  const progress = useJobProgress(api, jobId);
  const { refetch } = job;
  useEffect(() => {
    if (!progress.ended) return;
    void queryClient.invalidateQueries({ queryKey: ['loras', model] });
    void queryClient.invalidateQueries({ queryKey: ['model', model] });
    void refetch();
  }, [progress.ended, model, queryClient, refetch]);
  return { job, progress };
}

/** Live view of a training: progress bar, step, ETA, cost so far and the loss chart. */
function TrainingLive({
  model,
  jobId,
  version,
  sandbox,
}: {
  model: string;
  jobId: string;
  version: string;
  sandbox: boolean;
}) {
  const api = useApi();
  const { job, progress } = useTrainingJob(model, jobId);
  const cancel = useMutation({ mutationFn: () => api.cancelJob(jobId), onSuccess: () => job.refetch() });
  const training = progress.training ?? { points: [] };
  const current: JobView | undefined = progress.ended ?? job.data;
  const active = current === undefined || activeStates.has(current.state);
  const cost = training.costUsd ?? 0;
  return (
    <div className="mt-4 space-y-3 border-t border-slate-200 pt-4">
      <p className="text-sm" aria-live="polite">
        Training {version}: <JobStateLabel job={current} />
        {training.status ? ` · trainer ${training.status}` : ''}
      </p>
      <ProgressBar label="Training progress" done={training.step ?? 0} total={training.totalSteps ?? 0} />
      <p className="text-sm text-slate-700" data-testid="training-figures">
        Step {training.step ?? 0} of {training.totalSteps ?? '?'} · ETA {formatEta(training.etaSeconds)} · cost so far $
        {cost.toFixed(4)}
        {training.reservedUsd !== undefined ? ` (reserved $${training.reservedUsd.toFixed(2)})` : ''}
        {sandbox ? ' · SANDBOX: nothing is charged' : ''}
      </p>
      <LossChart
        title={`Training loss of ${version}`}
        series={[{ label: version, points: training.points }]}
        summary={lossSummary(training.points, training.totalSteps)}
      />
      {training.endMessage ? <p className="text-sm text-slate-700">Trainer: {training.endMessage}</p> : null}
      {active ? (
        <button
          type="button"
          onClick={() => cancel.mutate()}
          disabled={cancel.isPending}
          className="rounded-md border border-red-700 px-4 py-2 font-medium text-red-800 hover:bg-red-50"
        >
          Cancel training
        </button>
      ) : null}
      {cancel.error ? <ErrorMessage error={cancel.error} title="Could not cancel" /> : null}
    </div>
  );
}

/** The settings a pre-flight checked; a start needs a passing pre-flight of exactly these. */
interface Settings {
  dataset: string;
  engine: TrainingEngine;
  steps?: number;
  rank?: number;
}

const sameSettings = (a: Settings | undefined, b: Settings) =>
  a !== undefined && a.dataset === b.dataset && a.engine === b.engine && a.steps === b.steps && a.rank === b.rank;

/** The LoRA version a training job writes (its `version`, else its dataset's, as the server's job does). */
function versionOfJob(job: JobView): string {
  const params = ((job as { params?: unknown }).params ?? {}) as { version?: string; dataset?: string };
  return params.version ?? params.dataset ?? 'v1';
}

/**
 * Pre-flight (engine, steps and rank), then start a training of exactly those settings, with live progress and
 * cancel. `runningJobId` is a training job already under way (the model's last job), followed when the page opens
 * and kept in view after it ends (its end state stays on screen).
 */
export function TrainingStartPanel({
  model,
  datasets,
  nextLora,
  sandbox,
  runningJobId,
}: {
  model: string;
  datasets: DatasetView[];
  nextLora: string;
  sandbox: boolean;
  runningJobId?: string;
}) {
  const api = useApi();
  const ids = { dataset: useId(), engine: useId(), steps: useId(), rank: useId(), version: useId(), why: useId() };
  const [dataset, setDataset] = useState('');
  const [engine, setEngine] = useState<TrainingEngine>('simpletuner');
  const [steps, setSteps] = useState('');
  const [rank, setRank] = useState('');
  const [version, setVersion] = useState('');
  const [checked, setChecked] = useState<Settings>();
  const [started, setStarted] = useState<{ id: string; version: string }>();
  const chosenDataset = dataset || datasets.at(-1)?.version || '';
  const settings: Settings = {
    dataset: chosenDataset,
    engine,
    ...(steps && { steps: Number(steps) }),
    ...(rank && { rank: Number(rank) }),
  };
  const preflight = useMutation({
    mutationFn: (asked: Settings) => api.preflight(model, asked),
    onSuccess: (_report, asked) => setChecked(asked),
  });
  const start = useMutation({
    mutationFn: () => api.startTraining(model, { ...settings, version: version || nextLora }),
    onSuccess: (job) => {
      setStarted({ id: job.id, version: version || nextLora });
      setVersion('');
    },
  });
  const running = useQuery({
    queryKey: ['job', runningJobId, 'train'],
    queryFn: () => api.getJob(runningJobId as string),
    enabled: runningJobId !== undefined && started === undefined,
  });
  // A job followed from the page's opening is adopted: when it ends the model's last job is no longer "running",
  // and the view must keep showing how it ended (cancelled, failed, done) instead of vanishing.
  useEffect(() => {
    if (started === undefined && running.data) setStarted({ id: running.data.id, version: versionOfJob(running.data) });
  }, [started, running.data]);
  const shown = started ?? (running.data ? { id: running.data.id, version: versionOfJob(running.data) } : undefined);
  const report = sameSettings(checked, settings) ? preflight.data : undefined;
  const why = !chosenDataset
    ? 'Build a dataset first.'
    : !report
      ? 'Run the pre-flight for these settings first.'
      : !report.ok
        ? 'The pre-flight found an error: fix it, or change the settings and check again.'
        : undefined;
  function submit(event: FormEvent) {
    event.preventDefault();
    preflight.mutate(settings);
  }
  return (
    <Section title="Train a LoRA">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-4" aria-label="Pre-flight">
        <div>
          <label htmlFor={ids.dataset} className="mb-1 block text-sm font-medium">
            Dataset
          </label>
          <select
            id={ids.dataset}
            value={chosenDataset}
            onChange={(event) => setDataset(event.target.value)}
            className={field}
          >
            {datasets.length === 0 ? <option value="">none built</option> : null}
            {datasets.map((item) => (
              <option key={item.version} value={item.version}>
                {item.version} ({images(item.selected.length)})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.engine} className="mb-1 block text-sm font-medium">
            Engine
          </label>
          <select
            id={ids.engine}
            value={engine}
            onChange={(event) => setEngine(event.target.value as TrainingEngine)}
            className={field}
          >
            <option value="simpletuner">SimpleTuner</option>
            <option value="ai-toolkit">ai-toolkit</option>
          </select>
        </div>
        <div>
          <label htmlFor={ids.steps} className="mb-1 block text-sm font-medium">
            Steps (optional)
          </label>
          <input
            id={ids.steps}
            type="number"
            min="1"
            step="1"
            inputMode="numeric"
            value={steps}
            onChange={(event) => setSteps(event.target.value)}
            className={`${field} w-32`}
          />
        </div>
        <div>
          <label htmlFor={ids.rank} className="mb-1 block text-sm font-medium">
            Rank (optional)
          </label>
          <input
            id={ids.rank}
            type="number"
            min="1"
            step="1"
            inputMode="numeric"
            value={rank}
            onChange={(event) => setRank(event.target.value)}
            className={`${field} w-24`}
          />
        </div>
        <button
          type="submit"
          disabled={preflight.isPending || !chosenDataset}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100 disabled:opacity-60"
        >
          Run pre-flight
        </button>
      </form>
      {preflight.error ? <ErrorMessage error={preflight.error} title="The pre-flight did not run" /> : null}
      {report ? (
        <div className="mt-4">
          <TrainingFindings report={report} />
        </div>
      ) : null}
      <div className="mt-4 flex flex-wrap items-end gap-4">
        <div>
          <label htmlFor={ids.version} className="mb-1 block text-sm font-medium">
            LoRA version to write
          </label>
          <input
            id={ids.version}
            value={version}
            placeholder={nextLora}
            onChange={(event) => setVersion(event.target.value)}
            className={`${field} w-32`}
          />
        </div>
        <button
          type="button"
          onClick={() => start.mutate()}
          disabled={why !== undefined || start.isPending}
          aria-describedby={why ? ids.why : undefined}
          className="rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
        >
          Start training
        </button>
        {why ? (
          <p id={ids.why} className="text-sm text-slate-700">
            {why}
          </p>
        ) : null}
      </div>
      {start.error ? <ErrorMessage error={start.error} title="The training did not start" /> : null}
      {shown ? (
        <TrainingLive key={shown.id} model={model} jobId={shown.id} version={shown.version} sandbox={sandbox} />
      ) : null}
    </Section>
  );
}
