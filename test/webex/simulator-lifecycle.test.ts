import { expect } from 'chai';
import {
  customerStatusAt,
  lifecyclePolicy,
  type LifecyclePolicy,
} from '../../src/webex/simulator/lifecycle.ts';
import { planFault } from '../../src/webex/simulator/faults.ts';
import { admit, rateShape } from '../../src/webex/simulator/rate-limit.ts';
import type { CustomerRecord } from '../../src/webex/simulator/state.ts';

const T0 = Date.parse('2026-03-01T02:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function policy(over: Partial<LifecyclePolicy> = {}): LifecyclePolicy {
  return {
    ...lifecyclePolicy({
      rateLimitPerSecond: 20,
      latencyMs: 0,
      faultRate: 0,
      rplMatch: null,
      rplReviewMinutes: 15,
      provisioningSeconds: 1,
    }),
    ...over,
  };
}

function customer(over: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    id: 'c1',
    externalId: 'ext-1',
    orgId: 'org-1',
    packages: ['webex_meetings'],
    address: { addressLine1: '1 Main St', city: 'Austin', country: 'US' },
    customerInfo: { name: 'Acme', primaryEmail: 'admin@acme.example' },
    createdMs: T0,
    operation: { kind: 'create', startedMs: T0 },
    rplCheckMs: T0,
    ...over,
  };
}

describe('simulator lifecycle: customerStatusAt', () => {
  it('when just created, then provisioning until provisioningSeconds have passed', () => {
    expect(customerStatusAt(customer(), T0, policy())).to.equal('provisioning');
    expect(customerStatusAt(customer(), T0 + 999, policy())).to.equal('provisioning');
  });

  it('when provisioning is done, then pending_rpl_review for rplReviewMinutes, then provisioned', () => {
    expect(customerStatusAt(customer(), T0 + SECOND, policy())).to.equal('pending_rpl_review');
    expect(customerStatusAt(customer(), T0 + SECOND + 15 * MINUTE - 1, policy())).to.equal(
      'pending_rpl_review',
    );
    expect(customerStatusAt(customer(), T0 + SECOND + 15 * MINUTE, policy())).to.equal(
      'provisioned',
    );
  });

  it('when rplReviewMinutes is 0, then provisioned straight after provisioning', () => {
    expect(customerStatusAt(customer(), T0 + SECOND, policy({ rplReviewMs: 0 }))).to.equal(
      'provisioned',
    );
  });

  it('when the name matches rplMatch, then pending_rpl_review for as long as the policy says so', () => {
    const p = policy({ rplMatch: /^Acme/ });
    expect(customerStatusAt(customer(), T0 + 30 * 24 * 60 * MINUTE, p)).to.equal(
      'pending_rpl_review',
    );
    expect(customerStatusAt(customer(), T0 + 30 * 24 * 60 * MINUTE, policy())).to.equal(
      'provisioned',
    );
  });

  it('when Calling is under maintenance, then calling customers end provisioned_with_errors and others provisioned', () => {
    const p = policy({ rplReviewMs: 0, callingMaintenance: true });
    expect(customerStatusAt(customer({ packages: ['webex_calling'] }), T0 + SECOND, p)).to.equal(
      'provisioned_with_errors',
    );
    expect(customerStatusAt(customer(), T0 + SECOND, p)).to.equal('provisioned');
  });

  it('when updated without a new address, then updating and back to provisioned without a review', () => {
    const c = customer({ operation: { kind: 'update', startedMs: T0 + 60 * MINUTE } });
    expect(customerStatusAt(c, T0 + 60 * MINUTE, policy())).to.equal('updating');
    expect(customerStatusAt(c, T0 + 60 * MINUTE + SECOND, policy())).to.equal('provisioned');
  });

  it('when the billing address changed, then the update passes through pending_rpl_review again', () => {
    const at = T0 + 60 * MINUTE;
    const c = customer({ operation: { kind: 'update', startedMs: at }, rplCheckMs: at });
    expect(customerStatusAt(c, at + SECOND, policy())).to.equal('pending_rpl_review');
    expect(customerStatusAt(c, at + SECOND + 15 * MINUTE, policy())).to.equal('provisioned');
  });

  it('when deleted, then deleting and gone once provisioningSeconds have passed', () => {
    const c = customer({ operation: { kind: 'delete', startedMs: T0 + MINUTE } });
    expect(customerStatusAt(c, T0 + MINUTE, policy())).to.equal('deleting');
    expect(customerStatusAt(c, T0 + MINUTE + SECOND, policy())).to.equal('gone');
  });
});

describe('simulator rate limit: admit', () => {
  it('when capacity is used within the window, then the next request is refused until the oldest leaves it', () => {
    const shape = rateShape(3);
    let hits: number[] = [];
    for (const t of [0, 100, 200]) {
      const a = admit(hits, t, shape);
      expect(a.admitted).to.be.true;
      if (a.admitted) hits = a.hits;
    }
    expect(admit(hits, 300, shape)).to.deep.equal({ admitted: false, retryAfterMs: 700 });
    expect(admit(hits, 1000, shape).admitted).to.be.true;
  });

  it('when the rate is below one per second, then the window widens to hold one request', () => {
    expect(rateShape(0.5)).to.deep.equal({ capacity: 1, windowMs: 2000 });
    expect(rateShape(20)).to.deep.equal({ capacity: 20, windowMs: 1000 });
  });
});

describe('simulator faults: planFault', () => {
  const draws =
    (...values: number[]) =>
    () =>
      values.shift() ?? 0;

  it('when the first draw is at or above faultRate, then no fault', () => {
    expect(planFault('POST', 0.1, draws(0.1))).to.deep.equal({ kind: 'none' });
    expect(planFault('POST', 0, draws(0))).to.deep.equal({ kind: 'none' });
  });

  it('when a change is hit and the second draw is under a third, then the connection is cut', () => {
    expect(planFault('POST', 1, draws(0, 0.2))).to.deep.equal({ kind: 'cut' });
    expect(planFault('DELETE', 1, draws(0, 0.2))).to.deep.equal({ kind: 'cut' });
  });

  it('when a read is hit, then it is never cut but answered 500, 502 or 503', () => {
    expect(planFault('GET', 1, draws(0, 0.5))).to.deep.equal({ kind: 'status', status: 502 });
    expect(planFault('GET', 1, draws(0, 0.99))).to.deep.equal({ kind: 'status', status: 503 });
    expect(planFault('POST', 1, draws(0, 0.5, 0))).to.deep.equal({ kind: 'status', status: 500 });
  });
});
