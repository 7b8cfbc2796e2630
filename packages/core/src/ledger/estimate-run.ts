import { ValidationError } from '../errors/validation-error.js';
import { PRICE_TABLE_NOTE, roundAmount } from './ledger-summary.js';

/**
 * Prices per operation from the model's config: `units` of `unit` per call, e.g.
 * `{ swap: { units: 10, unit: 'credits' }, enhance: { units: 2, unit: 'credits' } }`.
 * Prices are configuration, not constants: MaxStudio publishes none we could confirm.
 */
export type PriceTable = Readonly<Record<string, { readonly units: number; readonly unit: string }>>;

/** One paid call a run plans to make. */
export interface PlannedCall {
  /** The operation, a key of the price table. */
  op: string;
  /** Content rating, for the per-rating totals. */
  rating?: string;
}

/** What a planned run will cost, from the price table. */
export interface RunEstimate {
  /** Per operation: how many calls and what they cost. */
  perOp: Record<string, { count: number; amount: number; unit: string }>;
  /** Per rating (calls without one under `''`), per unit of account. */
  perRating: Record<string, Record<string, number>>;
  /** Per unit of account, e.g. `{ credits: 1200 }`. */
  total: Record<string, number>;
  /** Always `price-table`. */
  source: 'price-table';
  /** Says the amounts come from configured prices (the MaxStudio API reports no charges). Show it. */
  note: string;
}

/**
 * Estimates a planned run from the model's price table.
 * @throws {ValidationError} when an op has no (valid) price in the table.
 * @example
 * ```ts no-run
 * const estimate = estimateRun(
 *   [{ op: 'swap', rating: 'sfw' }, { op: 'enhance', rating: 'sfw' }],
 *   { swap: { units: 10, unit: 'credits' }, enhance: { units: 2, unit: 'credits' } },
 * );
 * estimate.total; // { credits: 12 }
 * ```
 */
export function estimateRun(calls: readonly PlannedCall[], prices: PriceTable): RunEstimate {
  const estimate: RunEstimate = { perOp: {}, perRating: {}, total: {}, source: 'price-table', note: PRICE_TABLE_NOTE };
  for (const call of calls) {
    const price = Object.hasOwn(prices, call.op) ? prices[call.op] : undefined;
    if (!price || typeof price.units !== 'number' || !Number.isFinite(price.units) || price.units < 0 || !price.unit) {
      throw new ValidationError(
        `No valid price for op "${call.op}" in the price table. Add prices.${call.op} = { units: <number>, unit: 'credits' } to the model config.`,
        { field: `prices.${call.op}`, value: price },
      );
    }
    const perOp = estimate.perOp[call.op] ?? { count: 0, amount: 0, unit: price.unit };
    estimate.perOp[call.op] = perOp;
    perOp.count++;
    perOp.amount = roundAmount(perOp.amount + price.units);
    const rating = estimate.perRating[call.rating ?? ''] ?? {};
    estimate.perRating[call.rating ?? ''] = rating;
    rating[price.unit] = roundAmount((rating[price.unit] ?? 0) + price.units);
    estimate.total[price.unit] = roundAmount((estimate.total[price.unit] ?? 0) + price.units);
  }
  return estimate;
}
