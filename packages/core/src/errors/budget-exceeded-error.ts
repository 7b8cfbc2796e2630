import { ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';

/** Options for {@link BudgetExceededError}. */
export interface BudgetExceededErrorOptions extends ModelStudioErrorOptions {
  /** The budget, in `unit`. */
  budget: number;
  /** Reserved plus actual spend when the run stopped. */
  committed: number;
  /** What the refused unit of work would have cost. */
  requested: number;
  /** Unit of account, e.g. `credits`. */
  unit: string;
}

/** Submitting the next unit of work would exceed the run's budget. Nothing was sent. */
export class BudgetExceededError extends ModelStudioError {
  readonly budget: number;
  readonly committed: number;
  readonly requested: number;
  readonly unit: string;
  constructor(message: string, options: BudgetExceededErrorOptions) {
    super('budget-exceeded', message, options);
    this.name = 'BudgetExceededError';
    this.budget = options.budget;
    this.committed = options.committed;
    this.requested = options.requested;
    this.unit = options.unit;
  }
  /** What is left of the budget: budget minus reserved and actual spend. */
  get remaining(): number {
    return Math.max(0, this.budget - this.committed);
  }
  static override isInstance(error: unknown): error is BudgetExceededError {
    return ModelStudioError.hasCode(error, 'budget-exceeded');
  }
}
