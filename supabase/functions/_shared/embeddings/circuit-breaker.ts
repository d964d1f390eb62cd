/** A circuit breaker: after `threshold` consecutive failures, calls fail fast for `cooldownMs`, then one trial call is let through. */

export class CircuitOpenError extends Error {
  constructor(readonly retryInMs: number) {
    super(`circuit open: provider failed repeatedly, next attempt in ${Math.ceil(retryInMs / 1000)} s`);
    this.name = "CircuitOpenError";
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;

  constructor(
    readonly threshold = 5,
    readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): "closed" | "open" | "half-open" {
    if (this.openedAt === null) return "closed";
    return this.now() - this.openedAt >= this.cooldownMs ? "half-open" : "open";
  }

  /** Runs fn unless the circuit is open; counts its success or failure. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state === "open") throw new CircuitOpenError(this.cooldownMs - (this.now() - this.openedAt!));
    try {
      const result = await fn();
      this.failures = 0;
      this.openedAt = null;
      return result;
    } catch (err) {
      this.failures++;
      if (this.failures >= this.threshold || this.state === "half-open") this.openedAt = this.now();
      throw err;
    }
  }
}
