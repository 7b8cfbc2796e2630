import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { LoraComparisonView, LoraView } from '../api/studio-api.js';
import { useApi } from '../session/session-context.js';
import { ErrorMessage } from './error-message.js';
import { LossChart, lossSummary } from './loss-chart.js';
import { Section } from './section.js';

const field = 'rounded-md border border-slate-400 px-3 py-2';
const show = (value: unknown) => (value === undefined ? '(not set)' : JSON.stringify(value));

/** A version's validation samples, loaded from their signed URLs. */
function LoraSamples({ model, version }: { model: string; version: string }) {
  const api = useApi();
  const samples = useQuery({
    queryKey: ['lora-samples', model, version],
    queryFn: () => api.loraSamples(model, version),
  });
  return (
    <div>
      <h4 className="mb-2 text-sm font-semibold">Samples of {version}</h4>
      {samples.error ? <ErrorMessage error={samples.error} title="No samples" /> : null}
      {samples.data?.length === 0 ? <p className="text-sm">No validation samples.</p> : null}
      <ul className="grid grid-cols-3 gap-2 lg:grid-cols-4" aria-label={`Samples of ${version}`}>
        {(samples.data ?? []).map((sample) => (
          <li key={sample.file}>
            <img
              src={sample.url}
              alt={`${version} sample ${sample.file}${sample.prompt ? `: ${sample.prompt}` : ''}`}
              className="aspect-square w-full rounded border border-slate-200 object-cover [image-rendering:pixelated]"
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

function IdentityLine({ comparison }: { comparison: LoraComparisonView }) {
  const { identity } = comparison;
  if (!identity)
    return (
      <p className="text-sm text-slate-700">
        Identity score: not measured{comparison.identityNote ? ` (${comparison.identityNote})` : ''}.
      </p>
    );
  const line = (side: 'a' | 'b') => {
    const report = identity[side];
    const share =
      report.samePersonShare !== undefined ? `${Math.round(report.samePersonShare * 100)}% same person` : '';
    return `${comparison[side].version}: ${share || 'no faces'}${report.meanDistance !== undefined ? `, mean distance ${report.meanDistance.toFixed(3)}` : ''}`;
  };
  return (
    <p className="text-sm">
      Identity score: {line('a')} · {line('b')} ({identity.a.note})
    </p>
  );
}

/** Side by side: config differences, both loss curves on one chart, the sample grid, artifacts and identity. */
function ComparisonView({ model, comparison }: { model: string; comparison: LoraComparisonView }) {
  const { a, b } = comparison;
  const rows = [
    {
      key: 'engine',
      a: comparison.engines.a,
      b: comparison.engines.b,
      differs: comparison.engines.a !== comparison.engines.b,
    },
    ...comparison.configDiff.filter((row) => row.key !== 'engine').map((row) => ({ ...row, differs: true })),
    ...comparison.artifacts.map((row) => ({
      key: `artifact ${row.field}`,
      a: row.a,
      b: row.b,
      differs: show(row.a) !== show(row.b),
    })),
  ];
  return (
    <div className="mt-4 space-y-4" aria-live="polite">
      <h3 className="text-base font-semibold">
        {a.version} and {b.version} side by side
        {a.sandbox || b.sandbox ? ' (SANDBOX versions)' : ''}
      </h3>
      <table
        className="w-full table-fixed text-left text-sm"
        aria-label={`Differences between ${a.version} and ${b.version}`}
      >
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="w-2/5 py-1 pr-2">
              Setting
            </th>
            <th scope="col" className="py-1 pr-2">
              {a.version}
            </th>
            <th scope="col" className="py-1">
              {b.version}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={`border-b border-slate-100 ${row.differs ? 'bg-amber-50' : ''}`}>
              <th scope="row" className="py-1 pr-2 font-mono text-xs font-normal break-all">
                {row.key}
              </th>
              <td className="py-1 pr-2 font-mono text-xs break-all">
                {typeof row.a === 'string' ? row.a : show(row.a)}
              </td>
              <td className="py-1 font-mono text-xs break-all">{typeof row.b === 'string' ? row.b : show(row.b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LossChart
        title={`Training loss of ${a.version} and ${b.version}`}
        series={[
          { label: a.version, points: a.loss },
          { label: b.version, points: b.loss },
        ]}
        summary={`${a.version}: ${lossSummary(a.loss, a.steps)}; ${b.version}: ${lossSummary(b.loss, b.steps)}`}
      />
      <IdentityLine comparison={comparison} />
      <div className="grid gap-4 sm:grid-cols-2">
        <LoraSamples model={model} version={a.version} />
        <LoraSamples model={model} version={b.version} />
      </div>
    </div>
  );
}

/** Compare two LoRA versions: pick them, then see their differences side by side. */
export function LoraComparePanel({ model, loras }: { model: string; loras: LoraView[] }) {
  const api = useApi();
  const ids = { a: useId(), b: useId() };
  const versions = loras.map((lora) => lora.version);
  const [picked, setPicked] = useState<{ a?: string; b?: string }>({});
  const a = picked.a ?? versions.at(-2) ?? '';
  const b = picked.b ?? versions.at(-1) ?? '';
  const compare = useMutation({ mutationFn: () => api.compareLoras(model, a, b) });
  function submit(event: FormEvent) {
    event.preventDefault();
    compare.mutate();
  }
  return (
    <Section title="Compare versions">
      {versions.length < 2 ? (
        <p className="text-sm">Train two versions to compare them.</p>
      ) : (
        <form onSubmit={submit} className="flex flex-wrap items-end gap-4" aria-label="Compare two versions">
          {(['a', 'b'] as const).map((side) => (
            <div key={side}>
              <label htmlFor={ids[side]} className="mb-1 block text-sm font-medium">
                Version {side.toUpperCase()}
              </label>
              <select
                id={ids[side]}
                value={side === 'a' ? a : b}
                onChange={(event) => setPicked({ ...picked, [side]: event.target.value })}
                className={field}
              >
                {versions.map((version) => (
                  <option key={version} value={version}>
                    {version}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <button
            type="submit"
            disabled={compare.isPending || a === b}
            className="rounded-md border border-slate-400 px-4 py-2 font-medium hover:bg-slate-100 disabled:opacity-60"
          >
            Compare
          </button>
        </form>
      )}
      {compare.error ? <ErrorMessage error={compare.error} title="No comparison" /> : null}
      {compare.data ? <ComparisonView model={model} comparison={compare.data} /> : null}
    </Section>
  );
}
