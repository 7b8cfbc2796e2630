import type { EstimateView } from '../api/studio-api.js';
import { formatCost } from './format.js';

/** The cost calculator: sources × targets × ratings, each stage's price and amount, the total against the budget. */
export function EstimateTable({
  estimate,
  sources,
  targets,
  budget,
}: {
  estimate: EstimateView;
  sources: number;
  targets: Record<string, number>;
  budget?: number;
}) {
  const money = (amount: number, unit: string) => `${Number(amount.toFixed(4))} ${unit}`;
  const targetCount = estimate.ratings.reduce((sum, rating) => sum + (targets[rating] ?? 0), 0);
  const credits = estimate.total.credits;
  return (
    <div className="overflow-x-auto">
      <p className="mb-2 text-sm">
        {sources} sources × {targetCount} targets ({estimate.ratings.join(', ') || 'no ratings'}) ={' '}
        <strong>{estimate.units} units</strong>
        {estimate.alreadyDone > 0 ? `, ${estimate.alreadyDone} already done` : ''}
        {estimate.sandbox ? ' (SANDBOX prices)' : ''}
      </p>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Estimated cost per stage</caption>
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="py-1 pr-3">
              Stage
            </th>
            <th scope="col" className="py-1 pr-3">
              Calls
            </th>
            <th scope="col" className="py-1 pr-3">
              Price each
            </th>
            <th scope="col" className="py-1">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {estimate.stages.map((stage) => (
            <tr key={stage.stage} className="border-b border-slate-100">
              <th scope="row" className="py-1 pr-3 font-normal">
                {stage.stage}
              </th>
              <td className="py-1 pr-3">{stage.count}</td>
              <td className="py-1 pr-3">{money(stage.unitPrice, stage.unit)}</td>
              <td className="py-1">{money(stage.amount, stage.unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-sm font-semibold">Total: {formatCost(estimate.total)}</p>
      <p className="mt-1 text-sm text-slate-700">
        {budget === undefined
          ? 'No budget set: the run may spend the whole estimate.'
          : credits !== undefined && credits > budget
            ? `Over the budget of ${budget} credits: the run stops (resumable) before going over.`
            : `Within the budget of ${budget} credits.`}
      </p>
      {estimate.note ? <p className="mt-1 text-xs text-slate-600">{estimate.note}</p> : null}
    </div>
  );
}
