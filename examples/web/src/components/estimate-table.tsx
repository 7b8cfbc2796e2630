import type { EstimateView } from '../api/studio-api.js';

/** The cost calculator's figures: sources × targets × ratings, each stage's price, the total, budget and credits left. */
export function EstimateTable({ estimate }: { estimate: EstimateView }) {
  const money = (amount: number) => `${Number(amount.toFixed(4))} ${estimate.unit}`;
  return (
    <div className="overflow-x-auto">
      <p className="mb-2 text-sm">
        {estimate.sources} sources × {estimate.targets} targets × {estimate.ratings.length} ratings (
        {estimate.ratings.join(', ')}) = <strong>{estimate.units} units</strong>
        {estimate.sandbox ? ' (sandbox prices)' : ''}
      </p>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Estimated cost per stage</caption>
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="py-1 pr-3">
              Stage
            </th>
            <th scope="col" className="py-1 pr-3">
              Per unit
            </th>
            <th scope="col" className="py-1">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {estimate.stages.map((stage) => (
            <tr key={stage.stage} className="border-b border-slate-100">
              <th scope="row" className="py-1 pr-3 font-normal">
                {stage.stage}
              </th>
              <td className="py-1 pr-3">{money(stage.unitPrice)}</td>
              <td className="py-1">{money(stage.total)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" className="py-1 pr-3">
              Total
            </th>
            <td />
            <td className="py-1 font-semibold">{money(estimate.total)}</td>
          </tr>
        </tfoot>
      </table>
      <p className="mt-2 text-sm text-slate-700">
        Budget: {estimate.budget === undefined ? 'none set' : money(estimate.budget)} · Credits left:{' '}
        {estimate.creditsLeft === undefined ? 'unknown' : money(estimate.creditsLeft)}
      </p>
    </div>
  );
}
