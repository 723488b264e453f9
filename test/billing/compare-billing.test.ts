import { expect } from 'chai';
import {
  checkBillingTotals,
  classifyBillingCustomer,
  classifyBillingUser,
  emptyBillingUserCounts,
} from '../../src/billing/index.ts';
import { countBillingUser } from '../../src/billing/compare-billing.ts';
import type { BillingLedgerUser, BillingUserLine } from '../../src/store/index.ts';

const CTX = {
  partner: 'acme',
  period: { start: '2026-03-01', end: '2026-03-31' },
  ownOrgIds: new Set(['ORG-SELF']),
};

function billed(pkg: string, org = 'ORG-1'): BillingUserLine {
  return {
    email: 'a@x.example',
    package: pkg,
    customerOrgId: org,
    customerExternalId: null,
    subscriberId: 'S',
    days: 31,
  };
}

function ledger(over: Partial<BillingLedgerUser> = {}): BillingLedgerUser {
  return {
    partner: 'acme',
    email: 'a@x.example',
    customerExternalId: 'acme-1',
    package: 'webex_meetings',
    inWebex: true,
    webexStatus: 'provisioned',
    seenAtMs: Date.parse('2026-02-10T03:00:00.000Z'),
    createdAtMs: Date.parse('2026-02-10T02:00:00.000Z'),
    ...over,
  };
}

function category(b: BillingUserLine[], l: BillingLedgerUser[]) {
  return classifyBillingUser('a@x.example', b, l, CTX)?.category ?? null;
}

describe('billing comparison (pure)', function () {
  it('when Webex bills the sheet package, then matched; under another package only, then packageDiffers', () => {
    expect(category([billed('webex_meetings')], [ledger()])).to.equal('matched');
    expect(category([billed('webex_calling')], [ledger()])).to.equal('packageDiffers');
    // A package changed during the period: billed under both, the sheet's among them.
    expect(category([billed('webex_calling'), billed('webex_meetings')], [ledger()])).to.equal(
      'matched',
    );
  });

  it('when billed and no ledger row, then unknown; billed under the partner own org, then partnerOwnOrg (R-SELF-1)', () => {
    expect(category([billed('webex_meetings')], [])).to.equal('unknown');
    expect(category([billed('webex_meetings', 'ORG-SELF')], [])).to.equal('partnerOwnOrg');
  });

  it('when the ledger removed the user before the period, then billedAfterRemoval; removed during it, then matched', () => {
    const before = ledger({
      webexStatus: 'deleted',
      inWebex: false,
      seenAtMs: Date.parse('2026-02-27T03:00:00.000Z'),
    });
    const during = ledger({
      webexStatus: 'deleted',
      inWebex: false,
      seenAtMs: Date.parse('2026-03-12T03:00:00.000Z'),
    });
    expect(category([billed('webex_meetings')], [before])).to.equal('billedAfterRemoval');
    expect(category([billed('webex_meetings')], [during])).to.equal('matched');
    // The period starts at midnight UTC of its first day, to the millisecond.
    const at = (iso: string) => ledger({ webexStatus: 'deleted', seenAtMs: Date.parse(iso) });
    expect(category([billed('webex_meetings')], [at('2026-02-28T23:59:59.999Z')])).to.equal(
      'billedAfterRemoval',
    );
    expect(category([billed('webex_meetings')], [at('2026-03-01T00:00:00.000Z')])).to.equal(
      'matched',
    );
    expect(
      classifyBillingUser('a@x.example', [billed('webex_meetings')], [before], CTX)?.removedAt,
    ).to.equal('2026-02-27T03:00:00.000Z');
  });

  it('when provisioned in the ledger and not billed, then notBilled; removed before or never provisioned, then no line', () => {
    expect(category([], [ledger()])).to.equal('notBilled');
    expect(category([], [ledger({ webexStatus: 'deleted', inWebex: false })])).to.equal(null);
    expect(category([], [ledger({ inWebex: false, webexStatus: null })])).to.equal(null);
    expect(
      category([], [ledger({ createdAtMs: Date.parse('2026-04-01T02:00:00.000Z') })]),
    ).to.equal(null);
  });

  it('when every kind is counted, then the totals add up; a user left uncounted is caught', () => {
    const counts = emptyBillingUserCounts();
    const cases: [BillingUserLine[], BillingLedgerUser[]][] = [
      [[billed('webex_meetings')], [ledger()]],
      [[billed('webex_calling')], [ledger()]],
      [[billed('webex_meetings')], []],
      [
        [billed('webex_meetings')],
        [ledger({ webexStatus: 'deleted', seenAtMs: Date.parse('2026-01-01T00:00:00Z') })],
      ],
      [[], [ledger()]],
      [[billed('webex_meetings', 'ORG-SELF')], []],
    ];
    for (const [b, l] of cases)
      countBillingUser(counts, classifyBillingUser('a@x.example', b, l, CTX), b, l, CTX);
    expect(counts).to.deep.equal({
      billed: 4,
      ledger: 3,
      matched: 1,
      packageDiffers: 1,
      unknown: 1,
      billedAfterRemoval: 1,
      notBilled: 1,
      partnerOwnOrg: 1,
    });
    expect(checkBillingTotals(counts)).to.equal(null);
    expect(checkBillingTotals({ ...counts, unknown: 0 })).to.equal(
      'billing does not add up: Webex billed 4 user(s), the lines account for 3 (matched 1 + package differs 1 + unknown 0 + billed after removal 1)',
    );
    expect(checkBillingTotals({ ...counts, notBilled: 0 })).to.contain('the ledger had 3 user(s)');
  });

  it('when a customer package is counted over the limit, other than the ledger, for an unknown org or the own org, then each says so', () => {
    const c = (
      count: number,
      ledgerCount: number,
      limit: number | null,
      org = 'ORG-1',
      known = true,
    ) =>
      classifyBillingCustomer(
        'acme',
        org,
        'webex_meetings',
        count,
        known ? { externalId: 'acme-1', limit, ledgerCount } : null,
        CTX.ownOrgIds,
      ).category;
    expect(c(3, 3, 5)).to.equal('ok');
    expect(c(6, 6, 5)).to.equal('overLimit');
    expect(c(4, 3, 5)).to.equal('countDiffers');
    expect(c(1, 0, null, 'ORG-X', false)).to.equal('unknownCustomer');
    expect(c(9, 0, null, 'ORG-SELF', false)).to.equal('partnerOwnOrg');
  });
});
