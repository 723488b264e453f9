/** Pacing of one token's requests: fixed slots at `rate` per second, paused after a 429, AIMD on the rate. */
export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Smallest rate a run of 429s can push it down to. */
  minRate?: number;
  /** Rate regained per second without a 429 (additive increase). */
  increasePerSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class RateLimiter {
  private readonly ceiling: number;
  private readonly minRate: number;
  private readonly increase: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private rate: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private lastAdjust: number;

  constructor(opts: RateLimiterOptions) {
    this.ceiling = opts.requestsPerSecond;
    this.rate = opts.requestsPerSecond;
    this.minRate = opts.minRate ?? Math.min(1, opts.requestsPerSecond);
    this.increase = opts.increasePerSecond ?? Math.max(0.5, opts.requestsPerSecond / 20);
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.lastAdjust = this.now();
  }

  /** The current rate in requests per second. */
  get currentRate(): number {
    return this.rate;
  }

  /** Waits for this request's slot. */
  async take(): Promise<void> {
    this.recover();
    const now = this.now();
    // Slots are reserved before waiting, so concurrent callers queue in order.
    const slot = Math.max(now, this.nextSlot, this.pausedUntil);
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > now) await this.sleep(slot - now);
  }

  /** A 429: every request of this token waits `retryAfterMs`, and the rate halves (multiplicative decrease). */
  throttled(retryAfterMs: number): void {
    const now = this.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
    this.rate = Math.max(this.minRate, this.rate / 2);
    this.lastAdjust = this.pausedUntil;
  }

  private recover(): void {
    const now = this.now();
    if (this.rate >= this.ceiling || now <= this.lastAdjust) return;
    this.rate = Math.min(
      this.ceiling,
      this.rate + ((now - this.lastAdjust) / 1000) * this.increase,
    );
    this.lastAdjust = now;
  }
}
