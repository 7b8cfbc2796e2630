import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { DatasetView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { LoadingState } from './loading-state.js';
import { Section } from './section.js';

/** `1 image`, `3 images`. */
export function images(count: number): string {
  return `${count} image${count === 1 ? '' : 's'}`;
}

/** The next free version name: `v1`, `v2`, ... */
export function nextVersion(taken: string[]): string {
  let number = 1;
  while (taken.includes(`v${number}`)) number++;
  return `v${number}`;
}

function DatasetSummary({ dataset }: { dataset: DatasetView }) {
  return (
    <li className="rounded-md border border-slate-200 p-3" data-dataset={dataset.version}>
      <p className="font-medium">
        Dataset {dataset.version}: {images(dataset.selected.length)}
        {dataset.rejected.length > 0 ? `, ${dataset.rejected.length} left out` : ''}
      </p>
      <details className="mt-1 text-sm">
        <summary className="cursor-pointer text-indigo-800 underline">Images and captions it holds</summary>
        <ul className="mt-1 list-disc pl-5 font-mono text-xs break-all">
          {dataset.selected.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      </details>
      {dataset.rejected.length > 0 ? (
        <ul className="mt-2 text-sm text-amber-900" aria-label={`Left out of dataset ${dataset.version}`}>
          {dataset.rejected.map((item) => (
            <li key={item.name} className="break-all">
              {item.name}: {item.reason}
              {item.detail ? ` (${item.detail})` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Datasets: the built versions (what each holds), and a form that builds one from the reviewed captions. */
export function TrainingDatasetPanel({ model, datasets }: { model: string; datasets: DatasetView[] | undefined }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const versionId = useId();
  const [version, setVersion] = useState('');
  const [allowUnreviewed, setAllowUnreviewed] = useState(false);
  const suggested = nextVersion((datasets ?? []).map((dataset) => dataset.version));
  const build = useMutation({
    mutationFn: () => api.buildDataset(model, { version: version || suggested, allowUnreviewed }),
    onSuccess: () => {
      setVersion('');
      void queryClient.invalidateQueries({ queryKey: ['datasets', model] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    build.mutate();
  }
  return (
    <Section title="Dataset">
      <p className="mb-3 text-sm text-slate-700">
        A training reads a dataset version: the results with their reviewed captions (images, .txt captions and a
        manifest).
      </p>
      {datasets === undefined ? <LoadingState label="Loading datasets" /> : null}
      {datasets?.length === 0 ? (
        <p className="mb-3 text-sm">No dataset yet: build one from the reviewed captions.</p>
      ) : null}
      {datasets && datasets.length > 0 ? (
        <ul className="mb-4 space-y-2" aria-label="Datasets">
          {datasets.map((dataset) => (
            <DatasetSummary key={dataset.version} dataset={dataset} />
          ))}
        </ul>
      ) : null}
      <form onSubmit={submit} className="flex flex-wrap items-end gap-4" aria-label="Build a dataset">
        <div>
          <label htmlFor={versionId} className="mb-1 block text-sm font-medium">
            Dataset version
          </label>
          <input
            id={versionId}
            value={version}
            placeholder={suggested}
            onChange={(event) => setVersion(event.target.value)}
            pattern="[a-z0-9][a-z0-9._\-]{0,40}"
            className="w-32 rounded-md border border-slate-400 px-3 py-2"
          />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={allowUnreviewed}
            onChange={(event) => setAllowUnreviewed(event.target.checked)}
          />
          Include captions not reviewed yet
        </label>
        <button
          type="submit"
          disabled={build.isPending}
          className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100 disabled:opacity-60"
        >
          Build dataset {version || suggested}
        </button>
      </form>
      {build.error ? <ErrorMessage error={build.error} title="The dataset was not built" /> : null}
      {build.data ? (
        <p className="mt-2 text-sm text-emerald-800" aria-live="polite">
          Dataset {build.data.version} {build.data.alreadyBuilt ? 'was already built' : 'built'}:{' '}
          {images(build.data.selected.length)}.
        </p>
      ) : null}
    </Section>
  );
}
