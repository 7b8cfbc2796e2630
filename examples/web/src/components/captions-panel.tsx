import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../session/session-context.js';
import { CaptionBulkEdit } from './caption-bulk-edit.js';
import { CaptionCard } from './caption-card.js';
import { ErrorMessage } from './error-message.js';
import { JobStateLabel } from './job-state-label.js';
import { Section } from './section.js';

const finalStates = new Set(['completed', 'failed', 'cancelled', 'stopped']);

/** Caption review: caption the results (a job), then a grid of images with editable captions, bulk edits and undo. */
export function CaptionsPanel({ model }: { model: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const captions = useQuery({ queryKey: ['captions', model], queryFn: () => api.listCaptions(model) });
  const results = useQuery({ queryKey: ['results', model], queryFn: () => api.listResults(model) });
  const [jobId, setJobId] = useState<string>();
  const start = useMutation({ mutationFn: () => api.startCaptionJob(model), onSuccess: (job) => setJobId(job.id) });
  const job = useQuery({
    queryKey: ['job', jobId, 'caption'],
    queryFn: () => api.getJob(jobId as string),
    enabled: jobId !== undefined,
    refetchInterval: (query) => (query.state.data && finalStates.has(query.state.data.state) ? false : 1_000),
  });
  const ended = job.data !== undefined && finalStates.has(job.data.state);
  useEffect(() => {
    if (!ended) return;
    void queryClient.invalidateQueries({ queryKey: ['captions', model] });
    void queryClient.invalidateQueries({ queryKey: ['model', model] });
  }, [ended, model, queryClient]);
  const urls = new Map((results.data ?? []).map((result) => [result.name, result.url]));
  return (
    <Section
      title="Captions"
      actions={
        <button
          type="button"
          onClick={() => start.mutate()}
          disabled={start.isPending || (jobId !== undefined && !ended)}
          className="rounded-md border border-slate-400 px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
        >
          Caption results
        </button>
      }
    >
      {start.error ? <ErrorMessage error={start.error} title="Captioning did not start" /> : null}
      {job.data ? (
        <p className="mb-3 text-sm" aria-live="polite">
          Caption job: <JobStateLabel job={job.data} />
        </p>
      ) : null}
      {captions.error ? <ErrorMessage error={captions.error} /> : null}
      {captions.data && captions.data.length === 0 ? (
        <p className="text-sm text-slate-600">No captions yet: caption the results.</p>
      ) : null}
      {captions.data && captions.data.length > 0 ? (
        <>
          <CaptionBulkEdit model={model} />
          <ul aria-label="Captions" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {captions.data.map((caption) => (
              <CaptionCard
                key={`${caption.name}:${caption.text}`}
                model={model}
                caption={caption}
                imageUrl={urls.get(caption.name)}
              />
            ))}
          </ul>
        </>
      ) : null}
    </Section>
  );
}
