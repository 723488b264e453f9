import { expect } from 'chai';
import { ageRplCheck, planRplAttention, rplPolicy } from '../../src/rpl/index.ts';
import { testConfig } from '../support/run-context.ts';
import { at, DAY, MIN, openCheck } from './builders.ts';

const policy = rplPolicy(testConfig().rpl);
const check = openCheck;

const kinds = (items: { kind: string; partner: string | null; count: number }[]) =>
  items.map((i) => [i.kind, i.partner, i.count]);

describe('rpl: what the RPL follow-up asks of a person (R-RPL-3..5, issue 19 item 1)', () => {
  it('when every review is within the usual time, then nothing needs a person', () => {
    const aged = [ageRplCheck(check(), at(30 * MIN), policy)];
    expect(planRplAttention(aged, policy, null)).to.deep.equal([]);
  });

  it('when a review is 32 days old, then it is overdue and a standing candidate, new since a run two days before', () => {
    const now = at(32 * DAY);
    const aged = [
      ageRplCheck(check(), now, policy),
      ageRplCheck(
        check({ checkId: 2, externalId: 'c-2', openedAt: at(31 * DAY).toISOString() }),
        now,
        policy,
      ),
    ];
    const items = planRplAttention(aged, policy, at(29 * DAY).toISOString());
    expect(kinds(items)).to.deep.equal([
      ['rpl_overdue', 'acme', 2],
      ['deprovision_candidates_new', 'acme', 1],
      ['deprovision_candidates', 'acme', 1],
    ]);
    expect(items[0]!.message).to.contain('oldest 32 day(s)').and.contain('rpl contact');
    expect(items[1]!.message).to.contain('c-1');
    expect(items[2]!.message).to.contain('deprovision --plan');
  });

  it('when a candidate was already one at the previous run, then only the standing count is raised', () => {
    const aged = [ageRplCheck(check(), at(32 * DAY), policy)];
    const items = planRplAttention(aged, policy, at(31 * DAY).toISOString());
    expect(kinds(items)).to.deep.equal([
      ['rpl_overdue', 'acme', 1],
      ['deprovision_candidates', 'acme', 1],
    ]);
  });

  it('when the third unreachable attempt came after the previous run, then that candidate is new; each partner has its own items', () => {
    const now = at(2 * DAY);
    const aged = [
      ageRplCheck(
        check({ unreachableAttempts: 3, attempts: 3, lastAttemptAt: at(DAY + MIN).toISOString() }),
        now,
        policy,
      ),
      ageRplCheck(check({ checkId: 3, partner: 'beta', externalId: 'b-1' }), now, policy),
    ];
    expect(kinds(planRplAttention(aged, policy, at(DAY).toISOString()))).to.deep.equal([
      ['rpl_overdue', 'acme', 1],
      ['deprovision_candidates_new', 'acme', 1],
      ['deprovision_candidates', 'acme', 1],
      ['rpl_overdue', 'beta', 1],
    ]);
  });
});
