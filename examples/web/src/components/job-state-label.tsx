import type { JobView } from '../api/studio-api.js';
import { formatWhen } from './format.js';

/** `run completed 12/6/2026, 3:04 PM` (or the error) for a job. */
export function JobStateLabel({ job }: { job: JobView | undefined }) {
  if (!job) return <span className="text-slate-600">No jobs yet</span>;
  const tone =
    job.state === 'failed' ? 'text-red-800' : job.state === 'completed' ? 'text-emerald-800' : 'text-slate-800';
  return (
    <span className={tone}>
      {job.type} {job.state}
      {job.endedAt ? ` ${formatWhen(job.endedAt)}` : ''}
      {job.error ? `: ${job.error.message}` : ''}
    </span>
  );
}
