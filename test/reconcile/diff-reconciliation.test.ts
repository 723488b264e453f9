import { expect } from 'chai';
import {
  countReconciliation,
  diffReconciliation,
  type ReconcileInput,
} from '../../src/reconcile/index.ts';
import type { ReconcileLine } from '../../src/reports/index.ts';
import { aCustomer, aPartner, aSubscriber, aWebexCustomer, aWebexSubscriber } from './builders.ts';

/** The lines as [partner, entity, key, category, reason] for compact tables. */
function brief(lines: ReconcileLine[]): string[][] {
  return lines.map((l) => [l.partner, l.entity, l.key, l.category, l.reason]);
}

function one(input: ReconcileInput): ReconcileLine {
  const lines = diffReconciliation(input);
  expect(lines, JSON.stringify(lines)).to.have.length(1);
  return lines[0] as ReconcileLine;
}

describe('reconcile: diffReconciliation (pure)', () => {
  describe('customers', () => {
    const cases: {
      when: string;
      ledger: ReturnType<typeof aCustomer>;
      webex: ReturnType<typeof aWebexCustomer>[];
      category: ReconcileLine['category'];
      reason: ReconcileLine['reason'];
      diffs?: string[];
      pendingChange?: boolean;
    }[] = [
      {
        when: 'Webex matches the sheet',
        ledger: aCustomer('c-1'),
        webex: [aWebexCustomer('c-1')],
        category: 'inSync',
        reason: 'same',
      },
      {
        when: 'packages were changed in Webex (order does not matter)',
        ledger: aCustomer('c-1', {}, { packages: ['webex_meetings', 'webex_calling'] }),
        webex: [aWebexCustomer('c-1', { packages: ['webex_calling'] })],
        category: 'drifted',
        reason: 'differs',
        diffs: ['packages'],
        pendingChange: false,
      },
      {
        when: 'the billing address differs in two fields',
        ledger: aCustomer('c-1'),
        webex: [
          aWebexCustomer('c-1', {
            address: {
              addressLine1: '2 Main St',
              city: 'Dallas',
              stateOrProvince: 'TX',
              zipOrPostalCode: '78701',
              country: 'US',
            },
          }),
        ],
        category: 'drifted',
        reason: 'differs',
        diffs: ['address.addressLine1', 'address.city'],
      },
      {
        when: 'the sheet changed and the change has not been sent yet',
        ledger: aCustomer('c-1', { desiredHash: 'new' }, { packages: ['webex_suite'] }),
        webex: [aWebexCustomer('c-1')],
        category: 'drifted',
        reason: 'differs',
        diffs: ['packages'],
        pendingChange: true,
      },
      {
        when: 'the ledger had a Webex id and Webex no longer lists it',
        ledger: aCustomer('c-1'),
        webex: [],
        category: 'missingInWebex',
        reason: 'goneFromWebex',
      },
      {
        when: 'the customer was never created',
        ledger: aCustomer('c-1', { webexId: null, webexStatus: null, appliedHash: null }),
        webex: [],
        category: 'missingInWebex',
        reason: 'neverCreated',
        pendingChange: true,
      },
      ...(['provisioning', 'updating', 'pending_rpl_review'] as const).map((status) => ({
        when: `Webex shows ${status}`,
        ledger: aCustomer('c-1'),
        webex: [aWebexCustomer('c-1', { status })],
        category: 'parked' as const,
        reason: 'inProgress' as const,
      })),
      ...(['error', 'provisioned_with_errors', 'deleting'] as const).map((status) => ({
        when: `Webex shows ${status} for a customer the sheet keeps`,
        ledger: aCustomer('c-1'),
        webex: [aWebexCustomer('c-1', { status })],
        category: 'drifted' as const,
        reason: 'status' as const,
      })),
      {
        when: 'the sheet deleted it and Webex no longer has it',
        ledger: aCustomer('c-1', {
          desiredAction: 'delete',
          webexId: null,
          webexStatus: 'deleted',
        }),
        webex: [],
        category: 'inSync',
        reason: 'deleted',
      },
      {
        when: 'the sheet deleted it and Webex is deleting it',
        ledger: aCustomer('c-1', { desiredAction: 'delete' }),
        webex: [aWebexCustomer('c-1', { status: 'deleting' })],
        category: 'inSync',
        reason: 'deleting',
      },
      {
        when: 'the sheet deleted it and Webex still has it',
        ledger: aCustomer('c-1', { desiredAction: 'delete', desiredHash: 'del' }),
        webex: [aWebexCustomer('c-1')],
        category: 'drifted',
        reason: 'notDeleted',
        pendingChange: true,
      },
      {
        when: 'the ledger lost its Webex id but Webex has the externalId',
        ledger: aCustomer('c-1', { webexId: null }),
        webex: [aWebexCustomer('c-1')],
        category: 'inSync',
        reason: 'same',
      },
      {
        when: 'Webex holds the externalId under another id than the ledger kept',
        ledger: aCustomer('c-1', { webexId: 'W-old' }),
        webex: [aWebexCustomer('c-1')],
        category: 'drifted',
        reason: 'differs',
        diffs: ['id'],
      },
    ];
    for (const c of cases) {
      it(`when ${c.when}, then the customer is ${c.category} (${c.reason})`, () => {
        const line = one({
          partners: [aPartner('acme', { customers: [c.ledger] })],
          webex: { customers: c.webex, subscribers: [] },
        });
        expect([line.category, line.reason]).to.deep.equal([c.category, c.reason]);
        expect(line.diffs.map((d) => d.field)).to.deep.equal(
          c.diffs ?? line.diffs.map((d) => d.field),
        );
        if (c.diffs === undefined && c.category !== 'drifted') expect(line.diffs).to.deep.equal([]);
        if (c.pendingChange !== undefined) expect(line.pendingChange).to.equal(c.pendingChange);
      });
    }

    it('when packages drift, then the line says what Webex has and what the sheet expects', () => {
      const line = one({
        partners: [
          aPartner('acme', {
            customers: [aCustomer('c-1', {}, { packages: ['webex_meetings', 'webex_calling'] })],
          }),
        ],
        webex: {
          customers: [aWebexCustomer('c-1', { packages: ['webex_meetings'] })],
          subscribers: [],
        },
      });
      expect(line.diffs).to.deep.equal([
        { field: 'packages', webex: 'webex_meetings', expected: 'webex_calling, webex_meetings' },
      ]);
      expect(line.webexId).to.equal('W-c-1');
      expect(line.status).to.equal('provisioned');
    });
  });

  describe('subscribers', () => {
    const customer = aCustomer('c-1');
    const webexCustomer = aWebexCustomer('c-1');
    const cases: {
      when: string;
      ledger: ReturnType<typeof aSubscriber>;
      webex: ReturnType<typeof aWebexSubscriber>[];
      customerWebex?: ReturnType<typeof aWebexCustomer> | null;
      category: ReconcileLine['category'];
      reason: ReconcileLine['reason'];
    }[] = [
      {
        when: 'Webex matches the sheet',
        ledger: aSubscriber('c-1', 'a@x.example'),
        webex: [aWebexSubscriber('c-1', 'a@x.example')],
        category: 'inSync',
        reason: 'same',
      },
      {
        when: 'matched by customer and email, case-insensitively, without a ledger id',
        ledger: aSubscriber('c-1', 'a@x.example', { webexId: null }),
        webex: [aWebexSubscriber('c-1', 'A@X.example', { id: 'S-other' })],
        category: 'inSync',
        reason: 'same',
      },
      {
        when: 'its package was changed in Webex',
        ledger: aSubscriber('c-1', 'a@x.example'),
        webex: [aWebexSubscriber('c-1', 'a@x.example', { packages: ['webex_calling'] })],
        category: 'drifted',
        reason: 'differs',
      },
      {
        when: 'the user waits to consent to the migration',
        ledger: aSubscriber('c-1', 'a@x.example'),
        webex: [aWebexSubscriber('c-1', 'a@x.example', { status: 'pending_user_migration' })],
        category: 'parked',
        reason: 'inProgress',
      },
      {
        when: 'its customer is still provisioning',
        ledger: aSubscriber('c-1', 'a@x.example', { webexId: null }),
        webex: [],
        customerWebex: aWebexCustomer('c-1', { status: 'pending_rpl_review' }),
        category: 'parked',
        reason: 'customerInProgress',
      },
      {
        when: 'its customer is missing in Webex',
        ledger: aSubscriber('c-1', 'a@x.example'),
        webex: [],
        customerWebex: null,
        category: 'missingInWebex',
        reason: 'customerMissing',
      },
      {
        when: 'it was deleted in Webex',
        ledger: aSubscriber('c-1', 'a@x.example'),
        webex: [],
        category: 'missingInWebex',
        reason: 'goneFromWebex',
      },
      {
        when: 'the sheet deleted it and Webex no longer has it',
        ledger: aSubscriber('c-1', 'a@x.example', { desiredAction: 'delete', webexId: null }),
        webex: [],
        category: 'inSync',
        reason: 'deleted',
      },
    ];
    for (const c of cases) {
      it(`when ${c.when}, then the subscriber is ${c.category} (${c.reason})`, () => {
        const customerWebex = c.customerWebex === undefined ? webexCustomer : c.customerWebex;
        const lines = diffReconciliation({
          partners: [aPartner('acme', { customers: [customer], subscribers: [c.ledger] })],
          webex: { customers: customerWebex ? [customerWebex] : [], subscribers: c.webex },
        });
        const sub = lines.filter((l) => l.entity === 'subscriber');
        expect(sub, JSON.stringify(lines)).to.have.length(1);
        expect([sub[0]?.key, sub[0]?.category, sub[0]?.reason]).to.deep.equal([
          'c-1/a@x.example',
          c.category,
          c.reason,
        ]);
      });
    }
  });

  describe('records only Webex has', () => {
    it('when Webex lists a customer and a user in no sheet, then both are orphans of the partner', () => {
      const lines = diffReconciliation({
        partners: [aPartner('acme', { customers: [aCustomer('c-1')] })],
        webex: {
          customers: [aWebexCustomer('c-1'), aWebexCustomer('stray')],
          subscribers: [
            aWebexSubscriber('stray', 'x@stray.example'),
            aWebexSubscriber('c-1', 'hand@c1.example'),
          ],
        },
      });
      expect(brief(lines)).to.deep.equal([
        ['acme', 'customer', 'c-1', 'inSync', 'same'],
        ['acme', 'customer', 'stray', 'orphansInWebex', 'notInSheets'],
        ['acme', 'subscriber', 'c-1/hand@c1.example', 'orphansInWebex', 'notInSheets'],
        ['acme', 'subscriber', 'stray/x@stray.example', 'orphansInWebex', 'notInSheets'],
      ]);
    });

    it("R-SELF-1: when Webex lists the partner's own org and its users, then they are partnerOwnOrg, not orphans", () => {
      const lines = diffReconciliation({
        partners: [aPartner('acme', { ownOrgIds: ['ORG-self'] })],
        webex: {
          customers: [aWebexCustomer('acme-self', { orgId: 'ORG-self' })],
          subscribers: [aWebexSubscriber('acme-self', 'ops@acme.example')],
        },
      });
      expect(brief(lines)).to.deep.equal([
        ['acme', 'customer', 'acme-self', 'partnerOwnOrg', 'ownOrg'],
        ['acme', 'subscriber', 'acme-self/ops@acme.example', 'partnerOwnOrg', 'ownOrg'],
      ]);
      expect(countReconciliation(lines)).to.deep.equal({
        inSync: 0,
        drifted: 0,
        missingInWebex: 0,
        orphansInWebex: 0,
        parked: 0,
        partnerOwnOrg: 2,
      });
    });

    it('R-SELF-1: when the own org is not configured, then it is an orphan (nothing in the API marks it)', () => {
      const line = one({
        partners: [aPartner('acme')],
        webex: { customers: [aWebexCustomer('acme-self', { orgId: 'ORG-self' })], subscribers: [] },
      });
      expect(line.category).to.equal('orphansInWebex');
    });

    it('R-SELF-1: when the partner put its own org in a sheet, then it is compared like any customer', () => {
      const line = one({
        partners: [
          aPartner('acme', {
            ownOrgIds: ['ORG-self'],
            customers: [aCustomer('self', { webexId: 'W-self' })],
          }),
        ],
        webex: { customers: [aWebexCustomer('self', { orgId: 'ORG-self' })], subscribers: [] },
      });
      expect([line.category, line.reason]).to.deep.equal(['inSync', 'same']);
    });
  });

  describe('a Webex view shared by several partners (the embedded simulator)', () => {
    const input = (acmeReported: boolean): ReconcileInput => ({
      partners: [
        aPartner('acme', { reported: acmeReported, customers: [aCustomer('c-1')] }),
        aPartner('sakura', {
          customers: [aCustomer('c-1', { webexId: 'W-sak' })],
          subscribers: [
            aSubscriber('c-1', 'taro@s.example', { webexId: null, webexCustomerId: 'W-sak' }),
          ],
        }),
      ],
      webex: {
        customers: [
          aWebexCustomer('c-1'),
          aWebexCustomer('c-1', { id: 'W-sak' }),
          aWebexCustomer('stray'),
        ],
        subscribers: [aWebexSubscriber('c-1', 'taro@s.example', { customerId: 'W-sak' })],
      },
    });

    it("when two partners use the same externalId, then each keeps its own customer and neither is the other's orphan", () => {
      expect(brief(diffReconciliation(input(true)))).to.deep.equal([
        ['acme', 'customer', 'c-1', 'inSync', 'same'],
        ['acme, sakura', 'customer', 'stray', 'orphansInWebex', 'notInSheets'],
        ['sakura', 'customer', 'c-1', 'inSync', 'same'],
        ['sakura', 'subscriber', 'c-1/taro@s.example', 'inSync', 'same'],
      ]);
    });

    it('when one partner is left out (--partner), then its lines are not reported but its records are still not orphans', () => {
      expect(brief(diffReconciliation(input(false)))).to.deep.equal([
        ['acme, sakura', 'customer', 'stray', 'orphansInWebex', 'notInSheets'],
        ['sakura', 'customer', 'c-1', 'inSync', 'same'],
        ['sakura', 'subscriber', 'c-1/taro@s.example', 'inSync', 'same'],
      ]);
    });
  });

  it('when counted, then every line lands in exactly one category', () => {
    const lines = diffReconciliation({
      partners: [
        aPartner('acme', {
          ownOrgIds: ['ORG-self'],
          customers: [
            aCustomer('same'),
            aCustomer('drift', {}, { packages: ['webex_suite'] }),
            aCustomer('gone'),
            aCustomer('busy'),
          ],
        }),
      ],
      webex: {
        customers: [
          aWebexCustomer('same'),
          aWebexCustomer('drift'),
          aWebexCustomer('busy', { status: 'updating' }),
          aWebexCustomer('stray'),
          aWebexCustomer('self', { orgId: 'ORG-self' }),
        ],
        subscribers: [],
      },
    });
    expect(countReconciliation(lines)).to.deep.equal({
      inSync: 1,
      drifted: 1,
      missingInWebex: 1,
      orphansInWebex: 1,
      parked: 1,
      partnerOwnOrg: 1,
    });
  });
});
