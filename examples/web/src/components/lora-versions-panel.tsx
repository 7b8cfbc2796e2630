import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoraView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { formatWhen } from './format.js';
import { LoadingState } from './loading-state.js';
import { LoraDownload } from './lora-download.js';
import { formatLoss } from './loss-chart.js';
import { Section } from './section.js';
import { formatBytes } from './training-findings.js';

function LoraItem({ model, lora }: { model: string; lora: LoraView }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const promote = useMutation({
    mutationFn: () => api.promoteLora(model, lora.version),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['loras', model] }),
  });
  const rows: [string, string][] = [
    ['Engine', lora.engine ?? 'simpletuner'],
    ['Steps', String(lora.metrics.steps)],
    ['Final loss', lora.metrics.finalLoss !== undefined ? formatLoss(lora.metrics.finalLoss) : 'not reported'],
    ['Status', `trained${lora.sandbox ? ' (SANDBOX file, not a trained model)' : ''}`],
    ['Size', `${formatBytes(lora.artifact.size)}, rank ${lora.artifact.rank}`],
    ['Dataset', lora.datasetVersion ?? 'unknown'],
    ['Created', formatWhen(lora.createdAt)],
  ];
  return (
    <li className="rounded-md border border-slate-200 p-3" data-lora={lora.version}>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h3 className="text-base font-semibold">{lora.version}</h3>
        {lora.final ? (
          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900">
            ★ Final
          </span>
        ) : null}
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        {rows.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="text-slate-600">{term}</dt>
            <dd className="break-words">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-3 flex flex-wrap items-start gap-2">
        {lora.final ? null : (
          <button
            type="button"
            onClick={() => promote.mutate()}
            disabled={promote.isPending}
            className="rounded-md border border-slate-400 px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
          >
            Promote {lora.version} to final
          </button>
        )}
        <LoraDownload model={model} version={lora.version} />
      </div>
      {promote.error ? <ErrorMessage error={promote.error} title="Could not promote" /> : null}
    </li>
  );
}

/** The model's LoRA versions: engine, steps, loss, status, size, the final mark; promote and download each. */
export function LoraVersionsPanel({ model, loras, error }: { model: string; loras?: LoraView[]; error?: unknown }) {
  return (
    <Section title="LoRA versions">
      {error ? <ErrorMessage error={error} title="Could not list the versions" /> : null}
      {loras === undefined && !error ? <LoadingState label="Loading versions" /> : null}
      {loras?.length === 0 ? <p className="text-sm">No LoRA trained yet.</p> : null}
      {loras && loras.length > 0 ? (
        <ul className="grid gap-3 md:grid-cols-2" aria-label="LoRA versions">
          {loras.map((lora) => (
            <LoraItem key={lora.version} model={model} lora={lora} />
          ))}
        </ul>
      ) : null}
    </Section>
  );
}
