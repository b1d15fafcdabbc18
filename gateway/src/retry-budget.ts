export interface RetryBudgetOptions {
  /** Retries earned per request sent: 0.1 lets retries add at most a tenth to the load. */
  ratio: number;
  /** Retries allowed per second however few requests there are, so a quiet subgraph still gets some. */
  minPerSecond: number;
  /** The most retries saved up for a burst. */
  maxBalance: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = { ratio: 0.1, minPerSecond: 5, maxBalance: 50 };

/**
 * Retries are paid from a balance that each request tops up by `ratio` and time tops up by
 * `minPerSecond`; a retry the balance cannot pay is not made. During an outage every request
 * fails, and without a budget each would be sent up to three times: the budget keeps the extra
 * load at `ratio` of the traffic (Finagle's and Envoy's retry budgets work the same way).
 */
export class RetryBudget {
  private balance: number;
  private updatedAt = performance.now();

  constructor(private readonly options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET) {
    this.balance = options.minPerSecond;
  }

  /** A request was sent: it earns its share of a retry. */
  recordRequest(): void {
    this.refill();
    this.balance = Math.min(this.options.maxBalance, this.balance + this.options.ratio);
  }

  /** Pays for one retry if the balance allows it. */
  tryRetry(): boolean {
    this.refill();
    if (this.balance < 1) return false;
    this.balance -= 1;
    return true;
  }

  private refill() {
    const now = performance.now();
    const earned = ((now - this.updatedAt) / 1000) * this.options.minPerSecond;
    this.updatedAt = now;
    this.balance = Math.min(this.options.maxBalance, this.balance + earned);
  }
}
