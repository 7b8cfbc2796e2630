import { stageOfStageId } from '@model-studio/core';
import pc from 'picocolors';
import type { Output } from './output.js';
import { formatAmounts } from './report.js';

/** What is left to pay in a resume: paid calls per operation and in total, from the model's price table. */
export interface RemainingCost {
  perOp: Record<string, { count: number; amount: number; unit: string }>;
  total: Record<string, number>;
  /** Stage ids left whose operation has no price (not counted in the total). */
  unpriced: string[];
}

/**
 * Prices the stages a resume may still pay for: the pending ones, and the uncertain ones when they are resubmitted.
 * Jobs in flight are reattached, never paid again, so they cost nothing more. A stage's result (`swapped`, from
 * core's `stageOfStageId`) starts with its operation's name in the price table (`swap`). An upper bound: an enhance
 * is paid only when its swap is verified.
 */
export function remainingCost(
  status: { pending: readonly string[]; uncertain: readonly string[] },
  prices: Readonly<Record<string, { units: number; unit: string }>>,
  options: { resubmitUncertain?: boolean } = {},
): RemainingCost {
  const stages = [...status.pending, ...(options.resubmitUncertain ? status.uncertain : [])];
  const result: RemainingCost = { perOp: {}, total: {}, unpriced: [] };
  for (const stageId of stages) {
    const stage = stageOfStageId(stageId);
    const op = stage === undefined ? undefined : Object.keys(prices).find((name) => stage.startsWith(name));
    const price = op === undefined ? undefined : prices[op];
    if (op === undefined || price === undefined) {
      result.unpriced.push(stageId);
      continue;
    }
    const entry = result.perOp[op] ?? { count: 0, amount: 0, unit: price.unit };
    result.perOp[op] = entry;
    entry.count += 1;
    entry.amount += price.units;
    result.total[price.unit] = (result.total[price.unit] ?? 0) + price.units;
  }
  return result;
}

/** `Left to pay: at most 24 credits (swap: 2 × 10 = 20; enhance: 2 × 2 = 4), from the model's price table.` */
export function printRemainingCost(out: Output, remaining: RemainingCost): void {
  const ops = Object.entries(remaining.perOp).map(
    ([op, entry]) =>
      `${op}: ${entry.count} × ${entry.amount / Math.max(1, entry.count)} = ${entry.amount} ${entry.unit}`,
  );
  out.line(
    `Left to pay: ${ops.length > 0 ? 'at most ' : ''}${pc.bold(formatAmounts(remaining.total))}` +
      `${ops.length > 0 ? ` (${ops.join('; ')})` : ''}, from the model's price table; jobs in flight are not paid again.`,
  );
  if (remaining.unpriced.length > 0) {
    out.line(`  ${remaining.unpriced.length} stage(s) left have no price in the model's price table.`);
  }
}
