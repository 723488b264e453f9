/**
 * Pacing of one token's requests. Fixed slots at `rate × headroom` per second (a token bucket of
 * capacity one, which never bursts past a strict server window); after a 429 every request of the
 * token waits for Retry-After and the rate drops to what the server was seen to admit
 * (multiplicative decrease), then creeps back up (additive increase), probing ever more rarely
 * while the same ceiling keeps answering 429. An undeclared server limit is found this way
 * without a storm of 429s.
 */
export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Fraction of the rate actually paced: network jitter squeezes slots together (default 0.97). */
  headroom?: number;
  /** Smallest rate a run of 429s can push it down to. */
  minRate?: number;
  /** Calm time after a 429 before the rate starts to rise again (default 10 s; doubles while probes fail). */
  probeAfterMs?: number;
  /** Relative rise per second while probing (default 1% of the rate). */
  probeStepPerSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the HTTP client needs of a token's pacing: RateLimiter in one process, SharedRateLimiter across many. */
export interface RatePacer {
  /** Waits for this request's slot. */
  take(): Promise<void>;
  /** The server admitted a request (any answer but 429/423). */
  admittedOne(): void;
  /** A 429/423: hold the token's requests for `retryAfterMs` and slow down. */
  throttled(retryAfterMs: number): void;
  readonly currentRate: number;
  readonly throttleCount: number;
}

/** Limits of the adaptation: how rarely a failing probe repeats at most. */
export const RATE_POLICY = {
  headroom: 0.97,
  /** A 429 while the server admitted at least this share of our rate is jitter, not a lower limit. */
  jitterShare: 0.9,
  /** The step down after a jitter 429. */
  jitterDecrease: 0.98,
  probeAfterMs: 10_000,
  maxProbeAfterMs: 5 * 60_000,
  probeStepPerSecond: 0.01,
  /** Fewer admitted requests than this in the last second are too few to estimate a ceiling. */
  minSample: 5,
  windowMs: 1000,
} as const;

export class RateLimiter implements RatePacer {
  private readonly ceiling: number;
  private readonly headroom: number;
  private readonly minRate: number;
  private readonly baseProbeAfter: number;
  private readonly probeStep: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private rate: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private lastThrottle = Number.NEGATIVE_INFINITY;
  private lastAdjust: number;
  private probeAfter: number;
  private lastCeiling: number | null = null;
  private readonly admitted: number[] = [];
  /** When the last requests were let go (reserved in order), for the window guard. */
  private readonly sent: number[] = [];
  private throttles = 0;

  constructor(opts: RateLimiterOptions) {
    this.ceiling = opts.requestsPerSecond;
    this.rate = opts.requestsPerSecond;
    this.headroom = opts.headroom ?? RATE_POLICY.headroom;
    this.minRate = opts.minRate ?? Math.min(1, opts.requestsPerSecond);
    this.baseProbeAfter = opts.probeAfterMs ?? RATE_POLICY.probeAfterMs;
    this.probeAfter = this.baseProbeAfter;
    this.probeStep = opts.probeStepPerSecond ?? RATE_POLICY.probeStepPerSecond;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.lastAdjust = this.now();
  }

  /** The current rate in requests per second (before headroom). */
  get currentRate(): number {
    return this.rate;
  }

  /** How many 429s this token has seen. */
  get throttleCount(): number {
    return this.throttles;
  }

  /** Waits for this request's slot. */
  async take(): Promise<void> {
    this.recover();
    const now = this.now();
    // Slots are reserved before waiting, so concurrent callers queue in order.
    const slot = Math.max(now, this.nextSlot, this.pausedUntil);
    this.nextSlot = slot + 1000 / (this.rate * this.headroom);
    if (slot > now) await this.sleep(slot - now);
    await this.dispatch();
  }

  /**
   * The window guard: a stalled event loop wakes every overdue slot at once, and that burst on top
   * of the requests just before it is more than a server's one-second window admits (a 429 costs
   * every request a whole second of Retry-After). A request goes only when fewer than the paced
   * rate went in the last second, by when they actually went; the times are reserved in order
   * before waiting, so concurrent callers never take the same opening.
   */
  private async dispatch(): Promise<void> {
    const now = this.now();
    const perWindow = Math.max(1, Math.floor(this.rate * this.headroom));
    const sent = this.sent;
    const oldest = sent.length >= perWindow ? sent[sent.length - perWindow] : undefined;
    const at = Math.max(
      now,
      oldest === undefined ? now : oldest + RATE_POLICY.windowMs,
      sent.at(-1) ?? now,
    );
    sent.push(at);
    if (sent.length > 2 * perWindow) sent.splice(0, sent.length - perWindow);
    if (at > now) await this.sleep(at - now);
  }

  /** The server admitted a request (any answer but 429/423): the sample a ceiling is estimated from. */
  admittedOne(): void {
    const now = this.now();
    this.admitted.push(now);
    while (this.admitted.length > 0 && (this.admitted[0] as number) <= now - RATE_POLICY.windowMs)
      this.admitted.shift();
  }

  /** A 429: every request of this token waits `retryAfterMs`, and the rate drops to what the server admitted. */
  throttled(retryAfterMs: number): void {
    const now = this.now();
    this.throttles += 1;
    const alreadyPaused = this.pausedUntil > now;
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
    // Requests in flight when the first 429 came answer 429 too: one decrease per pause.
    if (alreadyPaused) return;
    const recent = this.admitted.filter((t) => t > now - RATE_POLICY.windowMs).length;
    if (sameIncident(now, this.lastThrottle, recent)) {
      this.lastThrottle = this.pausedUntil;
      this.lastAdjust = this.pausedUntil;
      return;
    }
    const estimate = estimateCeiling(this.rate, recent);
    // A probe that failed at the ceiling seen before waits twice as long next time.
    const sameCeiling =
      this.lastCeiling !== null && Math.abs(estimate - this.lastCeiling) <= this.lastCeiling * 0.1;
    this.probeAfter = sameCeiling
      ? Math.min(RATE_POLICY.maxProbeAfterMs, this.probeAfter * 2)
      : this.baseProbeAfter;
    this.lastCeiling = estimate;
    this.rate = Math.max(this.minRate, estimate);
    this.lastThrottle = this.pausedUntil;
    this.lastAdjust = this.pausedUntil;
  }

  private recover(): void {
    const now = this.now();
    if (this.rate >= this.ceiling || now - this.lastThrottle < this.probeAfter) {
      this.lastAdjust = Math.max(this.lastAdjust, now);
      return;
    }
    const seconds = (now - this.lastAdjust) / 1000;
    this.rate = Math.min(this.ceiling, this.rate * (1 + this.probeStep * seconds));
    this.lastAdjust = now;
  }
}

/**
 * A 429 within a second of the last pause's end, with too few requests admitted since to tell a
 * ceiling: the server is still refusing (an incident, or a longer window than ours), not answering
 * our rate. It pauses for Retry-After again and the rate stays: halved once per 429 of a burst,
 * as it was, 15 in a row left the token at 1 request/s, probing only after 5 minutes (each guess at
 * the floor looked like the same ceiling again) and then climbing 1% a second (soak seed 63).
 */
export function sameIncident(nowMs: number, lastPauseEndMs: number, admitted: number): boolean {
  return admitted < RATE_POLICY.minSample && nowMs - lastPauseEndMs < RATE_POLICY.windowMs;
}

/**
 * The rate to fall back to after a 429, from the rate we paced at and how many requests the server
 * admitted in the last second: that count when it is clearly below our rate (a lower limit), a
 * small step down when it is close (slots squeezed together on the way), half without a sample.
 */
export function estimateCeiling(rate: number, admittedLastSecond: number): number {
  if (admittedLastSecond < RATE_POLICY.minSample) return rate / 2;
  if (admittedLastSecond >= rate * RATE_POLICY.jitterShare)
    return rate * RATE_POLICY.jitterDecrease;
  return admittedLastSecond;
}
