import { expect } from 'chai';
import {
  matchPlanEntries,
  ownOrgConflict,
  parsePlanFile,
  planDeprovisionDoc,
  planDeprovisionCandidatesCsv,
  type DeprovisionCandidate,
  type DeprovisionPlanEntry,
} from '../../src/rpl/index.ts';

function entry(n: number): DeprovisionPlanEntry {
  return {
    partner: 'acme',
    externalId: `c-${n}`,
    customerName: `Customer ${n}`,
    webexId: `W${n}`,
    customerId: n,
    checkId: 10 + n,
    reasons: ['unreachable_attempts'],
    openedAt: '2026-03-01T00:00:00.000Z',
    ageDays: 2,
    ageMinutes: 2880,
    attempts: 3,
    unreachableAttempts: 3,
    lastStatus: 'pending_rpl_review',
    users: [],
  };
}

describe('rpl: deprovisioning plans (R-RPL-5)', () => {
  const stored = [entry(1), entry(2)];

  it('when a plan file lists fewer entries than were written, then those are accepted (struck out by review)', () => {
    const { accepted, refused } = matchPlanEntries([entry(2)], stored);
    expect(refused).to.deep.equal([]);
    expect(accepted.map((e) => e.externalId)).to.deep.equal(['c-2']);
  });

  it('when an entry was added or its Webex id changed, then it is refused', () => {
    const changed = { ...entry(1), webexId: 'W-someone-else' };
    const { accepted, refused } = matchPlanEntries([entry(3), changed, entry(2)], stored);
    expect(accepted.map((e) => e.externalId)).to.deep.equal(['c-2']);
    expect(refused).to.have.length(2);
    expect(refused[0]).to.contain('"c-3"').and.contain('not in the plan');
  });

  it('when an entry is listed twice, then the second is refused', () => {
    expect(matchPlanEntries([entry(1), entry(1)], stored).refused).to.have.length(1);
  });

  it('when a file is not a plan, then parsing says so instead of throwing', () => {
    expect(parsePlanFile('{')).to.have.property('error');
    expect(parsePlanFile('{"kind":"other"}')).to.have.property('error');
    const doc = planDeprovisionDoc({
      runId: 'run-1',
      createdAt: '2026-03-03T00:00:00.000Z',
      dryRun: false,
      candidates: stored,
      excluded: [],
    });
    expect(parsePlanFile(JSON.stringify(doc))).to.deep.equal({
      planId: 'run-1',
      entries: JSON.parse(JSON.stringify(stored)) as unknown[],
    });
  });

  it("when a customer's org is the partner's own (R-SELF-1), then it is never a removal", () => {
    const c = { webexOrgId: null, desiredOrgId: 'ORG-P' };
    expect(ownOrgConflict(c, null, 'ORG-P')).to.contain("partner's own organization");
    expect(ownOrgConflict({ webexOrgId: null, desiredOrgId: null }, 'ORG-P', 'ORG-P')).to.be.a(
      'string',
    );
    expect(ownOrgConflict({ webexOrgId: 'ORG-P', desiredOrgId: null }, null, 'ORG-P')).to.be.a(
      'string',
    );
    expect(ownOrgConflict(c, null, 'ORG-OTHER')).to.equal(null);
    // Without a configured own org, an attached existing org cannot be told apart: left alone.
    expect(ownOrgConflict(c, null, undefined)).to.contain('not configured');
    expect(ownOrgConflict({ webexOrgId: null, desiredOrgId: null }, null, undefined)).to.equal(
      null,
    );
  });

  it('when the candidates CSV is planned in Japanese, then headers are localized and users listed', () => {
    const candidate: DeprovisionCandidate = {
      ...entry(1),
      customerName: '=HYPERLINK("http://x")',
      webexOrgId: null,
      desiredOrgId: null,
      trigger: 'address_change',
      users: [{ email: 'a@x.example', webexId: 'S1' }],
    };
    const [header, row] = planDeprovisionCandidatesCsv([candidate], 'ja');
    expect(header?.[1]).to.equal('顧客外部ID');
    expect(row?.[5]).to.equal('請求先住所の変更');
    expect(row?.slice(-2)).to.deep.equal(['1', 'a@x.example']);
  });
});
