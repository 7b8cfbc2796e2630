import { Link } from 'wouter';
import type { ModelCardView } from '../api/studio-api.js';
import { ConsentBadge } from './consent-badge.js';
import { formatCost, formatCounts } from './format.js';
import { JobStateLabel } from './job-state-label.js';

/**
 * One model on the dashboard: thumbnail, counts per rating, cost so far, consent and last job (the dashboard loads
 * every card of a page in one request: `GET /v1/models?include=summary`).
 */
export function ModelCard({ model }: { model: ModelCardView }) {
  const { name } = model;
  return (
    <li
      className="flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm"
      data-model={name}
    >
      <div className="aspect-[4/3] bg-slate-100">
        {model.thumbnail ? (
          <img
            src={model.thumbnail}
            alt={`${name}: the subject's face (first source)`}
            decoding="async"
            className="h-full w-full object-cover"
          />
        ) : (
          <div className="flex h-full items-center justify-center text-sm text-slate-600">No images yet</div>
        )}
      </div>
      <div className="flex flex-1 flex-col gap-2 p-4">
        <h2 className="text-lg font-semibold break-all">
          <Link
            href={`/models/${encodeURIComponent(name)}`}
            className="text-indigo-800 underline-offset-2 hover:underline"
          >
            {name}
          </Link>
        </h2>
        <ConsentBadge consent={model.consent} ratings={model.allowedRatings} />
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-600">Sources</dt>
          <dd>{model.sources}</dd>
          <dt className="text-slate-600">Targets</dt>
          <dd>{formatCounts(model.targets)}</dd>
          <dt className="text-slate-600">Results</dt>
          <dd>{formatCounts(model.results)}</dd>
          <dt className="text-slate-600">Cost so far</dt>
          <dd>{formatCost(model.costSoFar)}</dd>
          <dt className="text-slate-600">Last job</dt>
          <dd>
            <JobStateLabel job={model.lastJob} />
          </dd>
        </dl>
      </div>
    </li>
  );
}
