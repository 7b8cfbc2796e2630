import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ResultView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { CompareSlider } from './compare-slider.js';
import { ErrorMessage } from './error-message.js';
import { Section } from './section.js';

/** The model's enhanced results in a grid; choosing one opens the before/after comparison with its target. */
export function ResultsPanel({ model }: { model: string }) {
  const api = useApi();
  const results = useQuery({ queryKey: ['results', model], queryFn: () => api.listResults(model) });
  const [selected, setSelected] = useState<ResultView>();
  const shown = selected ?? results.data?.find((result) => result.targetUrl);
  return (
    <Section title="Results">
      {results.error ? <ErrorMessage error={results.error} /> : null}
      {results.data && results.data.length === 0 ? (
        <p className="text-sm text-slate-600">No results yet: start a run.</p>
      ) : null}
      {results.data && results.data.length > 0 ? (
        <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
          <ul aria-label="Results" className="grid grid-cols-2 gap-3 sm:grid-cols-3">
            {results.data.map((result) => (
              <li key={result.name}>
                <button
                  type="button"
                  onClick={() => setSelected(result)}
                  aria-pressed={shown?.name === result.name}
                  className="block w-full rounded text-left aria-pressed:ring-3 aria-pressed:ring-indigo-600"
                >
                  <img
                    src={result.url}
                    alt={result.name}
                    loading="lazy"
                    className="aspect-square w-full rounded object-cover"
                  />
                  <span className="mt-1 block font-mono text-xs break-all">{result.name}</span>
                </button>
              </li>
            ))}
          </ul>
          {shown?.targetUrl ? (
            <div>
              <h3 className="mb-2 font-medium">Before and after</h3>
              <CompareSlider
                before={shown.targetUrl}
                after={shown.url}
                beforeLabel={`Target ${shown.targetName ?? ''}`.trim()}
                afterLabel={`Result ${shown.name}`}
              />
              <a href={shown.url} download={shown.name} className="mt-2 inline-block text-sm text-indigo-800 underline">
                Download {shown.name}
              </a>
            </div>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}
