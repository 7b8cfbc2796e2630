import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ErrorMessage } from '../components/error-message.js';
import { LoadingState } from '../components/loading-state.js';
import { ModelCard } from '../components/model-card.js';
import { SandboxBanner } from '../components/sandbox-banner.js';
import { useApi } from '../session/session-context.js';

function NewModelForm() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const inputId = useId();
  const helpId = useId();
  const sideId = useId();
  const [name, setName] = useState('');
  const [minShortSide, setMinShortSide] = useState('');
  const create = useMutation({
    mutationFn: (model: string) => api.createModel(model, minShortSide ? { minShortSide: Number(minShortSide) } : {}),
    onSuccess: async (_result, model) => {
      await queryClient.invalidateQueries({ queryKey: ['models'] });
      navigate(`/models/${encodeURIComponent(model)}`);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name.trim());
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-4">
      <div className="min-w-0 flex-1">
        <label htmlFor={inputId} className="mb-1 block text-sm font-medium">
          New model name
        </label>
        <input
          id={inputId}
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          pattern="[a-z0-9][a-z0-9\-]*"
          aria-describedby={helpId}
          className="w-full rounded-md border border-slate-400 px-3 py-2"
          placeholder="andie"
        />
        <p id={helpId} className="mt-1 text-xs text-slate-600">
          Lower-case letters, digits and hyphens.
        </p>
      </div>
      <div>
        <label htmlFor={sideId} className="mb-1 block text-sm font-medium">
          Shortest side (px, optional)
        </label>
        <input
          id={sideId}
          type="number"
          min="64"
          step="1"
          inputMode="numeric"
          value={minShortSide}
          onChange={(event) => setMinShortSide(event.target.value)}
          className="w-36 rounded-md border border-slate-400 px-3 py-2"
          placeholder="800"
        />
        <p className="mt-1 text-xs text-slate-600">Smallest photo side accepted.</p>
      </div>
      <button
        type="submit"
        disabled={create.isPending}
        className="rounded-md bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60"
      >
        Create model
      </button>
      {create.error ? (
        <div className="w-full">
          <ErrorMessage error={create.error} title="Could not create the model" />
        </div>
      ) : null}
    </form>
  );
}

/** The dashboard: a card per model of the signed-in user (100 per request, more on demand), and a form for a new one. */
export default function DashboardPage() {
  const api = useApi();
  const pages = useInfiniteQuery({
    queryKey: ['models', 'cards'],
    queryFn: ({ pageParam }) => api.listModelCards(pageParam ? { cursor: pageParam } : {}),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor,
  });
  const models = pages.data?.pages.flatMap((page) => page.models);
  const more = pages.hasNextPage;
  return (
    <div className="space-y-6">
      <SandboxBanner />
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Models</h1>
        <Link href="/keys" className="text-sm text-indigo-800 underline">
          Your API keys
        </Link>
        {models ? (
          <p className="text-sm text-slate-600">
            {models.length === 1 ? '1 model' : `${models.length}${more ? '+' : ''} models`}
          </p>
        ) : null}
      </div>
      <NewModelForm />
      {pages.isPending ? <LoadingState label="Loading models" /> : null}
      {pages.error ? <ErrorMessage error={pages.error} title="Could not load the models" /> : null}
      {models && models.length === 0 ? <p className="text-slate-700">No models yet: create one above.</p> : null}
      {models && models.length > 0 ? (
        <ul aria-label="Models" className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
          {models.map((model) => (
            <ModelCard key={model.name} model={model} />
          ))}
        </ul>
      ) : null}
      {more ? (
        <button
          type="button"
          onClick={() => void pages.fetchNextPage()}
          disabled={pages.isFetchingNextPage}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100 disabled:opacity-60"
        >
          {pages.isFetchingNextPage ? 'Loading more models…' : 'Show more models'}
        </button>
      ) : null}
    </div>
  );
}
