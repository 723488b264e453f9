import { expect } from 'chai';
import {
  checkReconcileTotals,
  countReconciliation,
  diffReconciliation,
  emptyReconcileTotals,
  RECONCILE_PREFETCH,
  streamViewLines,
  type LedgerPartner,
  type ReconcileSource,
} from '../../src/reconcile/index.ts';
import type { ReconcileLine } from '../../src/reports/index.ts';
import type { CustomerRow, Db, SubscriberRow } from '../../src/store/index.ts';
import type { WebexCustomer, WebexSubscriber } from '../../src/webex/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { aCustomer, aPartner, aSubscriber, aWebexCustomer, aWebexSubscriber } from './builders.ts';

const NOW = '2026-12-01T00:00:00.000Z';

/** Writes ledger rows as the store keeps them. */
async function insertLedger(db: Db, partners: readonly LedgerPartner[]): Promise<void> {
  for (const p of partners) {
    await db('partners').insert({ id: p.id, locale: 'en', created_at: NOW, updated_at: NOW });
    const ledger = (r: CustomerRow | SubscriberRow) => ({
      partner_id: p.id,
      desired: JSON.stringify(r.desired),
      desired_hash: r.desiredHash,
      desired_action: r.desiredAction,
      webex_id: r.webexId,
      webex_status: r.webexStatus,
      applied_hash: r.appliedHash,
      created_at: NOW,
      updated_at: NOW,
    });
    for (const c of p.customers) {
      await db('customers').insert({ ...ledger(c), external_id: c.externalId });
    }
    for (const s of p.subscribers) {
      await db('subscribers').insert({
        ...ledger(s),
        customer_external_id: s.customerExternalId,
        email: s.email,
        webex_customer_id: s.webexCustomerId,
      });
    }
  }
}

/** Two partners sharing one Webex view, with every kind of line, and what Webex lists. */
function scenario() {
  const customers: CustomerRow[] = [];
  const subscribers: SubscriberRow[] = [];
  const webexCustomers: WebexCustomer[] = [];
  const webexSubscribers: WebexSubscriber[] = [];
  for (let c = 0; c < 30; c++) {
    const ext = `c${String(c).padStart(2, '0')}`;
    const missing = c === 3;
    customers.push(aCustomer(ext, { partnerId: 'acme' }));
    if (!missing)
      webexCustomers.push(aWebexCustomer(ext, c === 4 ? { status: 'provisioning' } : {}));
    for (let u = 0; u < c % 7; u++) {
      const email = `u${u}@${ext}.example`;
      subscribers.push(aSubscriber(ext, email, { partnerId: 'acme' }));
      if (missing || (c === 5 && u === 0)) continue; // missing in Webex
      const drifted = (c * 7 + u) % 5 === 0;
      webexSubscribers.push(
        aWebexSubscriber(ext, email, drifted ? { packages: ['webex_calling'] } : {}),
      );
    }
    if (c % 9 === 0) webexSubscribers.push(aWebexSubscriber(ext, `stray@${ext}.example`));
  }
  // Beta's customer in the same view, a stranger and the partner's own org, each with users.
  const beta = aCustomer('b1', { partnerId: 'beta', webexId: 'W-b1' });
  webexCustomers.push(aWebexCustomer('b1'), aWebexCustomer('zz-orphan'));
  webexCustomers.push(aWebexCustomer('self', { orgId: 'ORG-ACME' }));
  webexSubscribers.push(
    aWebexSubscriber('b1', 'x@b1.example'),
    aWebexSubscriber('zz-orphan', 'o@zz.example'),
    aWebexSubscriber('self', 'admin@acme.example'),
  );
  const betaSubscribers = [aSubscriber('b1', 'x@b1.example', { partnerId: 'beta' })];
  const partners = (betaReported: boolean): LedgerPartner[] => [
    aPartner('acme', { ownOrgIds: ['ORG-ACME'], customers, subscribers }),
    aPartner('beta', { reported: betaReported, customers: [beta], subscribers: betaSubscribers }),
  ];
  return { partners, webex: { customers: webexCustomers, subscribers: webexSubscribers } };
}

/** A Webex that lists customers whole and subscribers by customer, and counts what it was asked. */
function webexOf(webex: { customers: WebexCustomer[]; subscribers: WebexSubscriber[] }) {
  const seen = { wholeLists: 0, byCustomer: 0, inFlight: 0, maxInFlight: 0 };
  const source: ReconcileSource = {
    listCustomers: () => Promise.resolve(webex.customers),
    listSubscribers: async (query = {}) => {
      if (query.customerId === undefined) seen.wholeLists += 1;
      seen.byCustomer += 1;
      seen.inFlight += 1;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.inFlight -= 1;
      return webex.subscribers.filter((s) => s.customerId === query.customerId);
    },
  };
  return { source, seen };
}

function sortLines(lines: ReconcileLine[]): string[] {
  return lines.map((l) => JSON.stringify(l)).sort();
}

for (const backend of backends()) {
  describe(`reconcile: streamViewLines, customer by customer (${backend})`, () => {
    let t: TestDb;
    afterEach(() => t?.close());

    for (const betaReported of [true, false]) {
      it(`when the ledger is read in pages of 4${betaReported ? '' : ' and one partner is left out'}, then the lines are those of the whole comparison and the counts add up`, async () => {
        t = await freshDb(backend);
        const { partners, webex } = scenario();
        await insertLedger(t.db, partners(betaReported));
        const { source, seen } = webexOf(webex);
        const totals = emptyReconcileTotals(betaReported);
        const lines: ReconcileLine[] = [];
        const view = {
          partners: partners(betaReported).map(({ subscribers: _, ...p }) => p),
        };
        for await (const line of streamViewLines(t.db, source, view, totals, { pageRows: 4 }))
          lines.push(line);

        const whole = diffReconciliation({ partners: partners(betaReported), webex });
        // The database gives the rows ids; the comparison does not use them.
        expect(sortLines(lines)).to.deep.equal(sortLines(whole));
        const counts = countReconciliation(whole);
        expect(counts.drifted).to.be.greaterThan(0);
        expect(counts.orphansInWebex).to.be.greaterThan(0);
        expect(counts.missingInWebex).to.be.greaterThan(0);
        expect(counts.parked).to.be.greaterThan(0);
        expect(counts.partnerOwnOrg).to.equal(2);
        expect(totals.counts).to.deep.equal(counts);
        expect(checkReconcileTotals(totals)).to.equal(null);
        // desired = in sync + drifted + missing + parked; Webex = listed by a ledger line + orphans + own org.
        const reportedPartners = partners(betaReported).filter((p) => p.reported);
        expect(totals.ledger).to.equal(
          reportedPartners.reduce((n, p) => n + p.customers.length + p.subscribers.length, 0),
        );
        if (betaReported)
          expect(totals.webex).to.equal(webex.customers.length + webex.subscribers.length);
        // Never the whole list of subscribers: one customer's at a time, a few at once.
        expect(seen.wholeLists).to.equal(0);
        expect(seen.byCustomer).to.equal(webex.customers.length + 1); // c03 is not in Webex
        expect(seen.maxInFlight).to.be.within(2, RECONCILE_PREFETCH);
      });
    }
  });
}

describe('reconcile: checkReconcileTotals', () => {
  it('when every record is on one line, then nothing is wrong', () => {
    const t = emptyReconcileTotals(true);
    Object.assign(t.counts, { inSync: 5, drifted: 2, missingInWebex: 1, parked: 1 });
    Object.assign(t.counts, { orphansInWebex: 3, partnerOwnOrg: 1 });
    Object.assign(t, { ledger: 9, webex: 11, ledgerWithWebex: 7 });
    expect(checkReconcileTotals(t)).to.equal(null);
  });

  it('when a ledger entry has no line, then it says the ledger side does not add up, with the terms', () => {
    const t = emptyReconcileTotals(true);
    Object.assign(t.counts, { inSync: 5, drifted: 2 });
    Object.assign(t, { ledger: 8, webex: 7, ledgerWithWebex: 7 });
    expect(checkReconcileTotals(t)).to.equal(
      'reconciliation does not add up: the ledger holds 8 customer(s) and subscriber(s), the lines account for 7 (in sync 5 + drifted 2 + missing 0 + parked 0)',
    );
  });

  it('when a Webex record is on two lines, then it says the Webex side does not add up', () => {
    const t = emptyReconcileTotals(true);
    Object.assign(t.counts, { inSync: 5, orphansInWebex: 1 });
    Object.assign(t, { ledger: 5, webex: 5, ledgerWithWebex: 5 });
    expect(checkReconcileTotals(t)).to.match(/Webex listed 5 .* account for 6 /);
  });

  it('when the view has partners left out, then only the ledger side is checked', () => {
    const t = emptyReconcileTotals(false);
    Object.assign(t.counts, { inSync: 5, orphansInWebex: 1 });
    Object.assign(t, { ledger: 5, ledgerWithWebex: 5 });
    expect(checkReconcileTotals(t)).to.equal(null);
  });
});
