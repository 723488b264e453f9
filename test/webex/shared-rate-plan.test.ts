import { expect } from 'chai';
import {
  planClaim,
  planThrottle,
  SharedRateLimiter,
  type SharedBudget,
  type SharedBudgetPort,
} from '../../src/webex/index.ts';

const REQ = { count: 10, ceiling: 100, headroom: 1, probeAfterMs: 10_000, leadMs: 0 };
/** A 429 asking for a second's pause, reported by a process that used all its slots. */
const THROTTLE = { retryAfterMs: 1000, headroom: 1, baseProbeAfterMs: 10_000, usedShare: 1 };

/** Claims `count` slots at `now` and returns the block and the budget after it. */
function claim(budget: SharedBudget | null, now: number, count = 10) {
  return planClaim(budget, now, { ...REQ, count });
}

describe('shared rate: planning claims and 429s (pure)', () => {
  it('when processes claim one after another, then their blocks follow each other at the rate with no overlap', () => {
    const a = claim(null, 1000);
    const b = claim(a.row, 1001);
    const c = claim(b.row, 1002);
    expect(a.result).to.include({ firstMs: 1000, intervalMs: 10, count: 10 });
    expect(b.result.firstMs).to.equal(1100);
    expect(c.result.firstMs).to.equal(1200);
    expect(c.row.nextSlotMs).to.equal(1300);
    expect(c.row.claimed).to.equal(30);
  });

  it("when a block starts now, then it starts after the claimer's round trip, and one after others' blocks does not", () => {
    const a = planClaim(null, 1000, { ...REQ, leadMs: 40 });
    expect(a.result.firstMs).to.equal(1040);
    const b = planClaim(a.row, 1001, { ...REQ, leadMs: 40 });
    expect(b.result.firstMs).to.equal(1140);
  });

  it('when nobody claimed for a while, then the next block starts now: slots gone by are never handed out', () => {
    const a = claim(null, 1000);
    const later = claim(a.row, 5000);
    expect(later.result.firstMs).to.equal(5000);
    expect(later.row.busySinceMs).to.equal(5000);
  });

  it('when a 429 is reported, then every later block starts after Retry-After and the rate drops once per pause', () => {
    let row = claim(null, 0).row;
    // Back to back for 2 s at 100/s: the server admitted ~100 in the last second, as many as we sent.
    for (let t = 100; t < 2000; t += 100) row = claim(row, t).row;
    const first = planThrottle(row, 2000, THROTTLE);
    expect(first.row.pausedUntilMs).to.equal(3000);
    expect(first.row.rate).to.equal(98); // jitter: a small step down
    const again = planThrottle(first.row, 2010, THROTTLE);
    expect(again.row.rate).to.equal(98);
    expect(again.row.throttles).to.equal(2);
    const next = claim(again.row, 2020);
    expect(next.result.firstMs).to.be.at.least(3010);
  });

  it('when 429s keep coming right after each pause (an incident), then the shared rate drops once, not once per 429, and probing is not put off', () => {
    let row = claim(null, 0).row;
    for (let t = 100; t < 2000; t += 100) row = claim(row, t).row;
    row = planThrottle(row, 2000, THROTTLE).row;
    expect(row.rate).to.equal(98);
    // Soak seed 63: each first request after Retry-After answered 429 again, 14 times more.
    for (let i = 0; i < 14; i++) {
      const end = row.pausedUntilMs;
      row = claim(row, end, 1).row;
      row = planThrottle(row, end + 20, THROTTLE).row;
    }
    expect(row.rate).to.equal(98);
    expect(row.probeAfterMs).to.equal(10_000);
    expect(row.throttles).to.equal(15);
    // Calm: the rate creeps back up 10 s after the incident's last pause.
    const probing = claim(row, row.pausedUntilMs + 10_000 + 5000);
    expect(probing.row.rate).to.be.above(98);
  });

  it('when the first 429 comes soon after sending began, then the rate drops to what was sent since (an undeclared lower limit)', () => {
    // Configured 200/s, the server admits 50: the first 429 a quarter of a second in.
    let row = planClaim(null, 0, { ...REQ, ceiling: 200, count: 10 }).row;
    for (let t = 50; t <= 250; t += 50)
      row = planClaim(row, t, { ...REQ, ceiling: 200, count: 10 }).row;
    const t = planThrottle(row, 250, THROTTLE);
    expect(t.row.rate).to.equal(50);
    // Calm for probeAfter: the rate creeps back up, never above the ceiling.
    const probing = planClaim(t.row, 1250 + 10_000 + 5000, { ...REQ, ceiling: 200, count: 1 });
    expect(probing.row.rate).to.be.above(50).and.at.most(200);
  });

  it('when the reporting process used only half of its slots (it woke too late for the rest), then only the used ones count as admitted', () => {
    let row = planClaim(null, 0, { ...REQ, ceiling: 200, count: 10 }).row;
    for (let t = 50; t <= 500; t += 50)
      row = planClaim(row, t, { ...REQ, ceiling: 200, count: 10 }).row;
    expect(planThrottle(row, 1000, THROTTLE).row.rate).to.equal(196);
    expect(planThrottle(row, 1000, { ...THROTTLE, usedShare: 0.5 }).row.rate).to.equal(100);
  });
});

describe('shared rate: one process on an in-memory budget (fake clock)', () => {
  /** A budget kept in a variable, on the same fake clock as the limiter. */
  function setup(opts: { maxOwnRate?: number } = {}) {
    const clock = { t: 0 };
    let row: SharedBudget | null = null;
    const budgets: SharedBudgetPort = {
      update: (_key, change) => {
        const out = change(row, clock.t);
        row = out.row;
        return Promise.resolve(out.result);
      },
    };
    const limiter = new SharedRateLimiter({
      budgets,
      tokenKey: 'k',
      requestsPerSecond: 100,
      headroom: 1,
      now: () => clock.t,
      sleep: (ms) => {
        clock.t += ms;
        return Promise.resolve();
      },
      ...opts,
    });
    return { clock, limiter };
  }

  it('when --rate-share caps the process at 10/s, then it claims its next block only when 10/s allows', async () => {
    const free = setup();
    for (let i = 0; i < 30; i++) await free.limiter.take();
    expect(free.clock.t).to.be.below(400);
    const capped = setup({ maxOwnRate: 10 });
    for (let i = 0; i < 30; i++) await capped.limiter.take();
    // 15 slots a block: the second block no sooner than 1.5 s after the first.
    expect(capped.clock.t).to.be.at.least(1500);
  });

  it('when the process wakes too late for a slot, then it gives it up and sends on a later one', async () => {
    const { clock, limiter } = setup();
    await limiter.take(); // claims a block of 15 from 0 ms
    clock.t += 200; // stalled: slots up to 160 ms are gone by more than lateMs
    await limiter.take();
    expect(limiter.stats.givenUp).to.be.at.least(10);
    expect(clock.t).to.equal(200);
  });
});
