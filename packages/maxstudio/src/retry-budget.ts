/** Settings of a {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Tokens in a full bucket. @default 100 */
  capacity?: number;
  /** Tokens a retry costs. @default 5 */
  retryCost?: number;
  /** Tokens a retry after a timeout costs. @default 10 */
  timeoutRetryCost?: number;
  /** Tokens a success without retries gives back. @default 1 */
  successRefund?: number;
}

/**
 * A retry quota shared by all calls of one client (the AWS SDK's token bucket): each retry takes tokens, successes
 * give them back, and when the bucket is empty failures are returned at once instead of retried, so many workers
 * failing together do not start a retry storm.
 */
export class RetryBudget {
  private readonly capacity: number;
  private readonly retryCost: number;
  private readonly timeoutRetryCost: number;
  private readonly successRefund: number;
  private tokens: number;

  constructor(options: RetryBudgetOptions = {}) {
    this.capacity = options.capacity ?? 100;
    this.retryCost = options.retryCost ?? 5;
    this.timeoutRetryCost = options.timeoutRetryCost ?? 10;
    this.successRefund = options.successRefund ?? 1;
    this.tokens = this.capacity;
  }

  /** Tokens left. */
  get available(): number {
    return this.tokens;
  }

  /** Takes the cost of one retry and returns it; `undefined` (and nothing taken) when the budget cannot afford it. */
  tryTake(kind: 'retry' | 'timeout' = 'retry'): number | undefined {
    const cost = kind === 'timeout' ? this.timeoutRetryCost : this.retryCost;
    if (this.tokens < cost) return undefined;
    this.tokens -= cost;
    return cost;
  }

  /** Records a success: gives back what its retries took, or the small refund when it needed none. */
  onSuccess(spent: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (spent > 0 ? spent : this.successRefund));
  }
}
