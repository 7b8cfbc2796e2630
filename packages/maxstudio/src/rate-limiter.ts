import { abortableSleep } from './abortable-sleep.js';

/** Settings of a {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests in flight at once. @default 8 */
  maxConcurrency?: number;
  /** Requests started per second; `undefined` means no limit until the server throttles. @default undefined */
  requestsPerSecond?: number;
  /** The adaptive rate never drops below this many requests per second. @default 1 */
  minRequestsPerSecond?: number;
}

/** A slot taken with {@link RateLimiter.acquire}; call it to give the slot back. */
export type ReleaseSlot = () => void;

/**
 * The one limiter a client shares across all its calls: a concurrency cap, a token bucket of requests per second,
 * and an adaptive rate that halves on each 429 (and pauses everyone until `Retry-After`) and grows back on success.
 */
export class RateLimiter {
  readonly maxConcurrency: number;
  private readonly ceiling: number;
  private readonly floor: number;
  private rate: number;
  private tokens: number;
  private refilledAt = performance.now();
  private pausedUntil = 0;
  private reducedAt = Number.NEGATIVE_INFINITY;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly recentStarts: number[] = [];

  constructor(options: RateLimiterOptions = {}) {
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 8);
    this.ceiling = options.requestsPerSecond ?? Number.POSITIVE_INFINITY;
    this.floor = options.minRequestsPerSecond ?? 1;
    this.rate = this.ceiling;
    this.tokens = Number.isFinite(this.rate) ? Math.max(1, this.rate) : 0;
  }

  /** The current requests-per-second limit (Infinity when unlimited). */
  get currentRate(): number {
    return this.rate;
  }

  /** Waits for a concurrency slot, the end of any 429 pause, and a rate token. */
  async acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    await this.takeSlot(signal);
    try {
      await this.waitForPause(signal);
      await this.takeToken(signal);
    } catch (error) {
      this.releaseSlot();
      throw error;
    }
    const now = performance.now();
    this.recentStarts.push(now);
    while (this.recentStarts.length > 0 && (this.recentStarts[0] ?? now) < now - 1000) this.recentStarts.shift();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseSlot();
    };
  }

  /**
   * Called on a 429: pauses every caller for `retryAfterMs` and halves the rate (at most once a second, so a burst of
   * 429s answering requests sent together counts as one signal).
   */
  onThrottle(retryAfterMs: number | undefined): void {
    const now = performance.now();
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    if (now - this.reducedAt < 1000) return;
    this.reducedAt = now;
    this.refill();
    const observed = Number.isFinite(this.rate) ? this.rate : Math.max(this.recentStarts.length, 1);
    this.rate = Math.max(this.floor, observed / 2);
    this.tokens = Math.min(this.tokens, 1);
  }

  /** Called on a success: the adaptive rate grows back by 10% up to the configured ceiling. */
  onSuccess(): void {
    if (this.rate >= this.ceiling) return;
    this.refill();
    this.rate = Math.min(this.ceiling, this.rate * 1.1 + 0.1);
  }

  private async takeSlot(signal?: AbortSignal): Promise<void> {
    if (this.inFlight < this.maxConcurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inFlight--;
  }

  private async waitForPause(signal?: AbortSignal): Promise<void> {
    for (let wait = this.pausedUntil - performance.now(); wait > 0; wait = this.pausedUntil - performance.now()) {
      await abortableSleep(wait, signal);
    }
  }

  private refill(): void {
    const now = performance.now();
    if (Number.isFinite(this.rate)) {
      this.tokens = Math.min(Math.max(1, this.rate), this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    }
    this.refilledAt = now;
  }

  private async takeToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (!Number.isFinite(this.rate)) return;
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await abortableSleep(((1 - this.tokens) / this.rate) * 1000, signal);
      await this.waitForPause(signal);
    }
  }
}
