import { createHash } from 'node:crypto';
import { estimateCeiling, RATE_POLICY, sameIncident, type RatePacer } from './rate-limiter.ts';

/**
 * A token's request budget as the database keeps it (issue 20): every process sending with the
 * token claims blocks of send slots from it, so their sum never passes the token's rate however
 * many join, leave or die. Times are milliseconds on the database's clock.
 */
export interface SharedBudget {
  ceiling: number;
  rate: number;
  nextSlotMs: number;
  pausedUntilMs: number;
  /** When slots began to be claimed back to back: how long the token has been sending at `rate`. */
  busySinceMs: number;
  lastThrottleMs: number;
  lastAdjustMs: number;
  probeAfterMs: number;
  lastCeiling: number | null;
  throttles: number;
  claimed: number;
}

/** Where the budgets live (the ledger on PostgreSQL): one change of one budget at a time. */
export interface SharedBudgetPort {
  update<T>(
    tokenKey: string,
    change: (budget: SharedBudget | null, nowMs: number) => { row: SharedBudget; result: T },
  ): Promise<T>;
}

/** Limits of the shared pacing, in one place. */
export const SHARED_RATE_POLICY = {
  /**
   * A claim takes this much of the rate's time (15 slots at 100/s): one database round trip per
   * block, and at most one block per process claimed and never used.
   */
  blockMs: 150,
  /**
   * A slot this late is given up, not used: sent late, it would crowd the slots other processes
   * send on time into one server window. Measured on a loaded 2-core machine (bench
   * provision-workers): 25 ms gave up 30% of the slots, 40 ms 17% with one 429 in 2,559
   * requests, 60 ms 11% with nine.
   */
  lateMs: 40,
  /** The longest lead a block starting now is given (see ClaimRequest.leadMs). */
  maxLeadMs: 250,
  claimAttempts: 5,
  claimBackoffMs: 200,
} as const;

/** How far apart our clock and the database's may be and still be taken as one clock. */
const CLOCK_SLACK_MS = 5;

/** The budget's key for a token: a hash, so the token itself never reaches the database. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(`rtm-batch rate budget\0${token}`).digest('hex');
}

export interface ClaimRequest {
  count: number;
  /** The claiming process's `webex.requestsPerSecond`: the token's ceiling. */
  ceiling: number;
  headroom: number;
  probeAfterMs: number;
  /**
   * How long the claimer's last claim took to come back: a block starting now starts this much
   * later, or its first slots would be gone by when the claimer learns of them.
   */
  leadMs: number;
}

/** Slots `firstMs + i × intervalMs` (i < count), database time. */
export interface SlotBlock {
  firstMs: number;
  intervalMs: number;
  count: number;
  rate: number;
}

function newBudget(nowMs: number, req: ClaimRequest): SharedBudget {
  return {
    ceiling: req.ceiling,
    rate: req.ceiling,
    nextSlotMs: nowMs,
    pausedUntilMs: 0,
    busySinceMs: nowMs,
    lastThrottleMs: 0,
    lastAdjustMs: nowMs,
    probeAfterMs: req.probeAfterMs,
    lastCeiling: null,
    throttles: 0,
    claimed: 0,
  };
}

/**
 * The next block of slots and the budget after it: slots go on from the last one claimed (or from
 * now, or the end of a 429's pause), spaced at the shared rate; the rate first creeps back up as
 * in RateLimiter when the last 429 is far enough behind.
 */
export function planClaim(
  budget: SharedBudget | null,
  nowMs: number,
  req: ClaimRequest,
): { row: SharedBudget; result: SlotBlock } {
  const b = budget ?? newBudget(nowMs, req);
  const row: SharedBudget = { ...b, ceiling: req.ceiling, rate: Math.min(b.rate, req.ceiling) };
  if (row.rate >= row.ceiling || nowMs - row.lastThrottleMs < row.probeAfterMs) {
    row.lastAdjustMs = Math.max(row.lastAdjustMs, nowMs);
  } else {
    const seconds = Math.max(0, nowMs - row.lastAdjustMs) / 1000;
    row.rate = Math.min(row.ceiling, row.rate * (1 + RATE_POLICY.probeStepPerSecond * seconds));
    row.lastAdjustMs = nowMs;
  }
  const intervalMs = 1000 / (row.rate * req.headroom);
  const firstMs = Math.max(nowMs + req.leadMs, row.nextSlotMs, row.pausedUntilMs);
  // A gap before this block (nobody claimed, or a pause): the token starts sending afresh.
  if (row.nextSlotMs < Math.max(nowMs, row.pausedUntilMs) - 2 * intervalMs)
    row.busySinceMs = firstMs;
  row.nextSlotMs = firstMs + req.count * intervalMs;
  row.claimed += req.count;
  return { row, result: { firstMs, intervalMs, count: req.count, rate: row.rate } };
}

/**
 * A 429 seen by any process: every process's slots wait for Retry-After, and the shared rate drops
 * to what the server was seen to admit (once per pause), as RateLimiter does for one process. What
 * was admitted is estimated from the shared timeline: slots were claimed back to back at `rate`
 * since `busySinceMs`, the reporting process used `usedShare` of its own (a loaded machine wakes
 * too late for some and gives them up), and all that were used were admitted until this first 429.
 */
export function planThrottle(
  budget: SharedBudget,
  nowMs: number,
  opts: { retryAfterMs: number; headroom: number; baseProbeAfterMs: number; usedShare: number },
): { row: SharedBudget; result: { rate: number } } {
  const row: SharedBudget = { ...budget, throttles: budget.throttles + 1 };
  const alreadyPaused = row.pausedUntilMs > nowMs;
  row.pausedUntilMs = Math.max(row.pausedUntilMs, nowMs + opts.retryAfterMs);
  row.nextSlotMs = Math.max(row.nextSlotMs, row.pausedUntilMs);
  // Nothing is sent during the pause: what was admitted is counted again from its end.
  const busySinceMs = row.busySinceMs;
  row.busySinceMs = Math.max(row.busySinceMs, row.pausedUntilMs);
  // Requests in flight when the first 429 came answer 429 too: one decrease per pause.
  if (alreadyPaused) return { row, result: { rate: row.rate } };
  const busyMs = Math.min(RATE_POLICY.windowMs, Math.max(0, nowMs - busySinceMs));
  const sentLastSecond =
    (row.rate * opts.headroom * busyMs * Math.min(1, Math.max(0, opts.usedShare))) /
    RATE_POLICY.windowMs;
  // Still refused right after the last pause: pause again, keep the rate (sameIncident).
  if (budget.throttles > 0 && sameIncident(nowMs, row.lastThrottleMs, sentLastSecond)) {
    row.lastThrottleMs = row.pausedUntilMs;
    row.lastAdjustMs = row.pausedUntilMs;
    return { row, result: { rate: row.rate } };
  }
  const estimate = estimateCeiling(row.rate, sentLastSecond);
  const sameCeiling =
    row.lastCeiling !== null && Math.abs(estimate - row.lastCeiling) <= row.lastCeiling * 0.1;
  row.probeAfterMs = sameCeiling
    ? Math.min(RATE_POLICY.maxProbeAfterMs, row.probeAfterMs * 2)
    : opts.baseProbeAfterMs;
  row.lastCeiling = estimate;
  row.rate = Math.max(Math.min(1, row.ceiling), estimate);
  row.lastThrottleMs = row.pausedUntilMs;
  row.lastAdjustMs = row.pausedUntilMs;
  return { row, result: { rate: row.rate } };
}

export interface SharedRateLimiterOptions {
  budgets: SharedBudgetPort;
  /** tokenFingerprint(token). */
  tokenKey: string;
  /** The token's rate (webex.requestsPerSecond), for all processes together. */
  requestsPerSecond: number;
  /** At most this rate for this process (`provision-worker --rate-share`); default: no bound. */
  maxOwnRate?: number;
  headroom?: number;
  probeAfterMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * RateLimiter's pacing with the budget in the database: this process sends only on slots it
 * claimed, a block at a time, so processes on several machines share the token's rate with no
 * configuration. A 429 pauses this process at once and, through the budget, the others at their
 * next claim (within one block).
 */
export class SharedRateLimiter implements RatePacer {
  private readonly opts: SharedRateLimiterOptions & { headroom: number; probeAfterMs: number };
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Claimed slots not handed out yet, local time, ascending. */
  private slots: number[] = [];
  /** Slots claimed and slots used in about the last second (local times): the share this process used. */
  private readonly recentClaimed: number[] = [];
  private readonly recentUsed: number[] = [];
  private claiming: Promise<void> | null = null;
  /** The 429 reports not written yet: a claim waits for them, so it sees their pause. */
  private reporting: Promise<void> = Promise.resolve();
  private pausedUntil = 0;
  private claimNotBefore = 0;
  private rate: number;
  private throttles = 0;
  /** Blocks claimed, and slots given up unused (late or inside a pause), for benchmarks and tests. */
  readonly stats = { claims: 0, slots: 0, givenUp: 0, wokeLate: 0 };
  /** How long the last claim took, database round trips included. */
  private lastClaimMs = 0;

  constructor(opts: SharedRateLimiterOptions) {
    this.opts = {
      ...opts,
      headroom: opts.headroom ?? RATE_POLICY.headroom,
      probeAfterMs: opts.probeAfterMs ?? RATE_POLICY.probeAfterMs,
    };
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.rate = opts.requestsPerSecond;
  }

  /** The shared rate as of this process's last claim (requests per second, before headroom). */
  get currentRate(): number {
    return this.rate;
  }

  /** How many 429s this process has seen. */
  get throttleCount(): number {
    return this.throttles;
  }

  /** Waits for one of this process's slots. */
  async take(): Promise<void> {
    for (;;) {
      const slot = await this.reserve();
      const wait = slot - this.now();
      if (wait > 0) await this.sleep(wait);
      const now = this.now();
      // Woken late (a stalled event loop) or inside a 429's pause: this slot is no longer ours to use.
      if (now - slot <= SHARED_RATE_POLICY.lateMs && now >= this.pausedUntil) {
        keepLastSecond(this.recentUsed, now).push(now);
        return;
      }
      this.stats.givenUp += 1;
      if (now >= this.pausedUntil) this.stats.wokeLate += 1;
    }
  }

  /** The admission sample is the shared timeline (see planThrottle): nothing to count here. */
  admittedOne(): void {}

  /** A 429: this process waits at once; the others when they next claim. */
  throttled(retryAfterMs: number): void {
    this.throttles += 1;
    const now = this.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.slots = [];
    const claimed = keepLastSecond(this.recentClaimed, now).filter((t) => t <= now).length;
    const usedShare = claimed === 0 ? 1 : keepLastSecond(this.recentUsed, now).length / claimed;
    const { budgets, tokenKey, headroom, probeAfterMs } = this.opts;
    this.reporting = this.reporting
      .then(() =>
        budgets.update(tokenKey, (b, nowMs) =>
          planThrottle(b ?? newBudget(nowMs, this.request(1)), nowMs, {
            retryAfterMs,
            headroom,
            baseProbeAfterMs: probeAfterMs,
            usedShare,
          }),
        ),
      )
      .then((r) => {
        this.rate = r.rate;
      })
      // The pause holds this process anyway; the others would see the next 429 themselves.
      .catch(() => undefined);
  }

  private request(count: number): ClaimRequest {
    return {
      count,
      ceiling: this.opts.requestsPerSecond,
      headroom: this.opts.headroom,
      probeAfterMs: this.opts.probeAfterMs,
      leadMs: Math.min(SHARED_RATE_POLICY.maxLeadMs, this.lastClaimMs),
    };
  }

  private async reserve(): Promise<number> {
    for (;;) {
      const now = this.now();
      // Slots gone by unused are given up: sent now, they would crowd other processes' slots.
      while (
        this.slots.length > 0 &&
        ((this.slots[0] as number) < now - SHARED_RATE_POLICY.lateMs ||
          (this.slots[0] as number) < this.pausedUntil)
      ) {
        this.slots.shift();
        this.stats.givenUp += 1;
      }
      const slot = this.slots.shift();
      // The next block is asked for while half of this one is left, so it is here in time.
      // A failure here is met again by the claim a caller awaits.
      if (this.slots.length < this.blockSize() / 2) this.startClaim().catch(() => undefined);
      if (slot !== undefined) return slot;
      await this.startClaim();
    }
  }

  private startClaim(): Promise<void> {
    return (this.claiming ??= this.claim().finally(() => {
      this.claiming = null;
    }));
  }

  private blockSize(): number {
    return Math.max(
      1,
      Math.round((this.rate * this.opts.headroom * SHARED_RATE_POLICY.blockMs) / 1000),
    );
  }

  private async claim(): Promise<void> {
    await this.reporting;
    const hold = Math.max(this.claimNotBefore, this.pausedUntil) - this.now();
    if (hold > 0) await this.sleep(hold);
    const count = this.blockSize();
    const asked = this.now();
    const { block, dbNow } = await this.withRetries(() =>
      this.opts.budgets.update(this.opts.tokenKey, (b, nowMs) => {
        const planned = planClaim(b, nowMs, this.request(count));
        return { row: planned.row, result: { block: planned.result, dbNow: nowMs } };
      }),
    );
    const answered = this.now();
    this.lastClaimMs = answered - asked;
    // Clocks kept by NTP agree to a few milliseconds, closer than a loaded machine's round trip
    // lets us measure: database time is ours unless it lies outside the round trip (then the
    // database read its clock about halfway through it).
    const agrees = dbNow >= asked - CLOCK_SLACK_MS && dbNow <= answered + CLOCK_SLACK_MS;
    const offset = agrees ? 0 : (asked + answered) / 2 - dbNow;
    this.rate = block.rate;
    this.stats.claims += 1;
    this.stats.slots += block.count;
    const fresh = Array.from(
      { length: block.count },
      (_, i) => block.firstMs + i * block.intervalMs + offset,
    );
    this.slots = [...this.slots, ...fresh].sort((a, b) => a - b);
    keepLastSecond(this.recentClaimed, answered).push(...fresh);
    const own = this.opts.maxOwnRate;
    if (own !== undefined && own < block.rate)
      this.claimNotBefore =
        block.firstMs + offset + (block.count * 1000) / (own * this.opts.headroom);
  }

  /** A database that does not answer for a moment (a failover) holds the requests, then fails them. */
  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= SHARED_RATE_POLICY.claimAttempts) throw err;
        await this.sleep(SHARED_RATE_POLICY.claimBackoffMs * 2 ** (attempt - 1));
      }
    }
  }
}

/** Drops the times more than a second before `now` (the list is in ascending order). */
function keepLastSecond(times: number[], now: number): number[] {
  let old = 0;
  while (old < times.length && (times[old] as number) <= now - RATE_POLICY.windowMs) old++;
  times.splice(0, old);
  return times;
}
