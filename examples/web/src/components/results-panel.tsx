import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../session/session-context.js';
import { CompareSlider } from './compare-slider.js';
import { ErrorMessage } from './error-message.js';
import { Section } from './section.js';

/**
 * The model's enhanced results in a grid; the chosen one is compared with the target photo it was made from (or, when
 * that target is gone, with its swapped image).
 */
export function ResultsPanel({ model }: { model: string }) {
  const api = useApi();
  const results = useQuery({ queryKey: ['results', model], queryFn: () => api.listResults(model) });
  const [selected, setSelected] = useState<string>();
  const shown = results.data?.find((result) => result.name === selected) ?? results.data?.[0];
  return (
    <Section title="Results">
      {results.error ? <ErrorMessage error={results.error} /> : null}
      {results.data && results.data.length === 0 ? (
        <p className="text-sm text-slate-600">No results yet: start a run.</p>
      ) : null}
      {results.data && results.data.length > 0 && shown ? (
        <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
          <ul aria-label="Results" className="grid grid-cols-2 gap-3 sm:grid-cols-3">
            {results.data.map((result) => (
              <li key={result.name}>
                <button
                  type="button"
                  onClick={() => setSelected(result.name)}
                  aria-pressed={shown.name === result.name}
                  className="block w-full rounded p-1 text-left aria-pressed:ring-3 aria-pressed:ring-indigo-600"
                >
                  <img src={result.url} alt="" loading="lazy" className="aspect-square w-full rounded object-cover" />
                  <span className="mt-1 block font-mono text-xs break-all">{result.name}</span>
                </button>
              </li>
            ))}
          </ul>
          <div>
            <h3 className="mb-2 font-medium">Before and after</h3>
            {shown.target ? (
              <CompareSlider
                before={shown.target.url}
                after={shown.url}
                beforeLabel={`Target ${shown.target.name}`}
                afterLabel={`Enhanced ${shown.name}`}
              />
            ) : shown.before ? (
              <>
                <p className="mb-2 text-xs text-slate-600">Its target is no longer stored: compared with the swap.</p>
                <CompareSlider
                  before={shown.before.url}
                  after={shown.url}
                  beforeLabel={`Swapped ${shown.before.name}`}
                  afterLabel={`Enhanced ${shown.name}`}
                />
              </>
            ) : (
              <img src={shown.url} alt={shown.name} className="w-full rounded" />
            )}
            <a href={shown.url} download={shown.name} className="mt-2 inline-block text-sm text-indigo-800 underline">
              Download {shown.name}
            </a>
          </div>
        </div>
      ) : null}
    </Section>
  );
}
