import { expect } from 'chai';
import {
  ageRplCheck,
  countRpl,
  isRplPollDue,
  planNextRplPoll,
  rplPolicy,
} from '../../src/rpl/index.ts';
import { testConfig } from '../support/run-context.ts';
import { at, DAY, MIN, OPENED, openCheck } from './builders.ts';

const policy = rplPolicy(testConfig().rpl);
const check = openCheck;

describe('rpl: ageing checks (R-RPL-3, R-RPL-5)', () => {
  it('when a check is 59 minutes old, then it is not overdue; at 61 minutes it is overdue and non-compliant', () => {
    expect(ageRplCheck(check(), at(59 * MIN), policy).overdue).to.equal(false);
    const late = ageRplCheck(check(), at(61 * MIN), policy);
    expect(late.overdue).to.equal(true);
    expect(countRpl([late], 0)).to.deep.equal({
      pending: 1,
      cleared: 0,
      overdue: 1,
      nonCompliant: 1,
      deprovisionCandidates: 0,
    });
  });

  it('when a check is 29 days old, then it is no candidate; at 31 days it is one for non-compliance', () => {
    expect(ageRplCheck(check(), at(29 * DAY), policy).reasons).to.deep.equal([]);
    expect(ageRplCheck(check(), at(31 * DAY), policy).reasons).to.deep.equal([
      'non_compliant_days',
    ]);
  });

  it('when 2 unreachable attempts are recorded, then no candidate; with 3 it is one', () => {
    const now = at(2 * 60 * MIN);
    expect(ageRplCheck(check({ unreachableAttempts: 2 }), now, policy).reasons).to.deep.equal([]);
    expect(ageRplCheck(check({ unreachableAttempts: 3 }), now, policy).reasons).to.deep.equal([
      'unreachable_attempts',
    ]);
    // Reached attempts do not count towards R-RPL-5.
    expect(
      ageRplCheck(check({ attempts: 5, unreachableAttempts: 2 }), now, policy).reasons,
    ).to.deep.equal([]);
  });

  it('when the thresholds are configured, then they are the ones applied', () => {
    const strict = rplPolicy(
      testConfig({ rpl: { overdueMinutes: 30, nonCompliantDays: 7, unreachableAttempts: 1 } }).rpl,
    );
    const aged = ageRplCheck(check({ unreachableAttempts: 1 }), at(8 * DAY), strict);
    expect(aged.overdue).to.equal(true);
    expect(aged.reasons).to.deep.equal(['non_compliant_days', 'unreachable_attempts']);
    expect(ageRplCheck(check(), at(31 * MIN), strict).overdue).to.equal(true);
  });

  it('when a check is young, then it is polled every 15 minutes; older than a day, hourly', () => {
    expect(planNextRplPoll(OPENED, at(30 * MIN), policy)).to.equal(at(45 * MIN).toISOString());
    expect(planNextRplPoll(OPENED, at(2 * DAY), policy)).to.equal(
      at(2 * DAY + 60 * MIN).toISOString(),
    );
  });

  it('when the next poll time has not come, then the check is not due', () => {
    const c = check({ nextPollAt: at(15 * MIN).toISOString() });
    expect(isRplPollDue(c, at(14 * MIN))).to.equal(false);
    expect(isRplPollDue(c, at(15 * MIN))).to.equal(true);
    expect(isRplPollDue(check({ nextPollAt: null }), at(0))).to.equal(true);
  });
});
