import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { CaptionsPanel } from '../components/captions-panel.js';
import { ConsentBadge } from '../components/consent-badge.js';
import { ConsentPanel } from '../components/consent-panel.js';
import { ErrorMessage } from '../components/error-message.js';
import { formatCost, formatCounts } from '../components/format.js';
import { ImagesPanel } from '../components/images-panel.js';
import { LoadingState } from '../components/loading-state.js';
import { ResultsPanel } from '../components/results-panel.js';
import { RunPanel } from '../components/run-panel.js';
import { SandboxBanner } from '../components/sandbox-banner.js';
import { useApi } from '../session/session-context.js';

/** One model: consent, sources and targets (uploads with per-file results), cost calculator and runs, results. */
export default function ModelPage({ model }: { model: string }) {
  const api = useApi();
  const overview = useQuery({ queryKey: ['model', model], queryFn: () => api.getModel(model) });
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/" className="text-indigo-800 underline">
          Models
        </Link>{' '}
        / <span aria-current="page">{model}</span>
      </nav>
      <SandboxBanner />
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold break-all">{model}</h1>
        {overview.data ? <ConsentBadge consent={overview.data.consent} ratings={overview.data.allowedRatings} /> : null}
      </header>
      {overview.isPending ? <LoadingState label="Loading the model" /> : null}
      {overview.error ? <ErrorMessage error={overview.error} title="Could not load the model" /> : null}
      {overview.data ? (
        <>
          <p className="text-sm text-slate-700">
            {overview.data.sources} sources · targets {formatCounts(overview.data.targets)} · results{' '}
            {formatCounts(overview.data.results)} · cost so far {formatCost(overview.data.costSoFar)}
          </p>
          <ConsentPanel overview={overview.data} />
          <ImagesPanel model={model} ratings={overview.data.allowedRatings} />
          <RunPanel overview={overview.data} />
          <ResultsPanel model={model} />
          <CaptionsPanel model={model} />
          <p>
            <Link href={`/models/${model}/training`} className="font-medium text-indigo-800 underline">
              Training: dataset, pre-flight, LoRA versions and compare
            </Link>
          </p>
        </>
      ) : null}
    </div>
  );
}
