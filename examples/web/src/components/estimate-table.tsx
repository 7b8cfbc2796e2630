import type { CreditsView, EstimateView } from '../api/studio-api.js';
import { formatCost } from './format.js';

/** Whether the estimate fits the provider's credits left, in a sentence (or why that is not known). */
function creditsVerdict(needed: number | undefined, credits: CreditsView | undefined): string {
  if (!credits) return 'Credits left: the server did not answer them just now.';
  const label = credits.sandbox ? ' SANDBOX credits' : ' credits';
  if (!credits.known || credits.balance === undefined) return `Credits left: unknown. ${credits.note}`;
  const left = `Credits left: ${Number(credits.balance.toFixed(4))}${label}`;
  if (needed === undefined) return `${left}.`;
  return needed <= credits.balance
    ? `${left}: the run fits (it needs ${Number(needed.toFixed(4))}).`
    : `${left}: not enough for this run (it needs ${Number(needed.toFixed(4))}). Buy credits first, or it stops ` +
        'when they run out (the refused call is not charged) and resumes after.';
}

/**
 * The cost calculator: sources × targets × ratings, each stage's price and amount, the total against the budget and
 * the provider's credits left.
 */
export function EstimateTable({
  estimate,
  credits: left,
  sources,
  targets,
  budget,
}: {
  estimate: EstimateView;
  /** The provider's credits left (`undefined` when the server could not tell). */
  credits?: CreditsView | undefined;
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
      <p className="mt-1 text-sm text-slate-700">{creditsVerdict(credits, left)}</p>
      {estimate.note ? <p className="mt-1 text-xs text-slate-600">{estimate.note}</p> : null}
    </div>
  );
}
