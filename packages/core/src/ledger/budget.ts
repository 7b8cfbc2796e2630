import { BudgetExceededError } from '../errors/budget-exceeded-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { CostLedger, LedgerRecordResult } from './cost-ledger.js';
import type { LedgerEntryInput } from './ledger-entry.js';
import { roundAmount } from './ledger-summary.js';

/** Options for {@link createBudget}. */
export interface BudgetOptions {
  /** The ledger the budget reads and reserves in. */
  ledger: CostLedger;
  /** The most that may be committed (actual + reserved + uncertain), in `unit`. */
  limit: number;
  /** Unit of account. @default 'credits' */
  unit?: string;
}

/** What {@link Budget.reserve} takes: a `reserved` ledger entry without `kind` (the unit defaults to the budget's). */
export type BudgetReservation = Omit<LedgerEntryInput, 'kind' | 'releases' | 'unitOfAccount'> & {
  unitOfAccount?: string;
};

/**
 * A spending limit over a cost ledger. It counts everything the ledger holds in its unit: actual charges, open
 * reservations and unresolved uncertain submissions, including those from before a restart, so a resumed run keeps
 * its earlier spend. To give a fresh run its own allowance on a ledger with history, pass
 * `limit: ledger.totals(unit).committed + allowance` (and keep that limit for the run's resumes).
 */
export interface Budget {
  readonly limit: number;
  readonly unit: string;
  /** Actual + reserved + uncertain, in `unit`. */
  committed(): number;
  /** `limit - committed()`, at least 0. */
  remaining(): number;
  /**
   * Reserves an op's estimated cost before it is submitted. The check and the reservation happen in the same tick,
   * so any number of concurrent callers can never together exceed the limit. Reserving again for an item's op that
   * already has the same open reservation (a resumed run) records nothing and counts nothing twice.
   * Settle with an `actual` ledger entry; free with a `release` when the submission fails before it is accepted.
   * @throws {BudgetExceededError} when committed + amount would exceed the limit; nothing is reserved.
   * @throws {ValidationError} for a malformed reservation or another unit of account.
   */
  reserve(reservation: BudgetReservation): Promise<LedgerRecordResult>;
}

/**
 * Creates a budget over a ledger.
 * @throws {ValidationError} when the limit is not a finite number >= 0.
 * @example
 * ```ts no-run
 * const budget = createBudget({ ledger, limit: 100, unit: 'credits' });
 * await budget.reserve({ model: 'andie', itemId, op: 'swap', provider: 'maxstudio', amount: 10 });
 * ```
 */
export function createBudget(options: BudgetOptions): Budget {
  const { ledger, limit } = options;
  const unit = options.unit ?? 'credits';
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) {
    throw new ValidationError(`A budget limit must be a finite number >= 0 (got ${String(limit)}).`, {
      field: 'limit',
      value: limit,
    });
  }
  const committed = () => ledger.totals(unit).committed;
  return {
    limit,
    unit,
    committed,
    remaining: () => Math.max(0, roundAmount(limit - committed())),
    reserve(reservation) {
      try {
        const unitOfAccount = reservation.unitOfAccount ?? unit;
        if (unitOfAccount !== unit) {
          throw new ValidationError(
            `This budget is in ${unit}; the reservation for ${reservation.itemId} is in ${unitOfAccount}. Use one budget per unit of account.`,
            { field: 'unitOfAccount', value: unitOfAccount },
          );
        }
        const open = ledger.openReservation(reservation.itemId, reservation.op);
        const alreadyHeld = open && open.unitOfAccount === unit ? open.amount : 0;
        const before = roundAmount(committed() - alreadyHeld);
        const amount = reservation.amount;
        if (typeof amount === 'number' && roundAmount(before + amount) > limit) {
          const left = Math.max(0, roundAmount(limit - before));
          throw new BudgetExceededError(
            `Budget of ${limit} ${unit} would be exceeded: ${before} ${unit} reserved or spent, this ${reservation.op} ` +
              `needs ${amount}; ${left} ${unit} left. Nothing was submitted. Raise the budget, or release ` +
              'reservations of work that will not run.',
            { budget: limit, committed: before, requested: amount, unit },
          );
        }
        return ledger.record({ ...reservation, kind: 'reserved', unitOfAccount });
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
