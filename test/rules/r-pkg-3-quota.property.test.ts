import { expect } from 'chai';
import fc from 'fast-check';
import { createRunRules, type LedgerSeed, type RowRecord } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, aSubscriberRow } from './builders.ts';

const PACKAGES = ['webex_meetings', 'webex_calling'] as const;
const CUSTOMERS = ['c0', 'c1', 'c2'];
const EMAILS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'].map((u) => `${u}@x.example`);

const limitsArb: fc.Arbitrary<Limits> = fc.record({
  webex_meetings: fc.nat(3),
  webex_calling: fc.nat(3),
});

type Limits = { webex_meetings: number; webex_calling: number };
type Op =
  | { kind: 'user'; customer: string; email: string; package: string }
  | { kind: 'delete-user'; customer: string; email: string }
  | { kind: 'customer'; customer: string; limits: Limits }
  | { kind: 'delete-customer'; customer: string };

/** One row of a run: which file it is in, and what it asks. */
const opArb: fc.Arbitrary<{ file: number; op: Op }> = fc.record({
  file: fc.nat(2),
  op: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('user' as const),
        customer: fc.constantFrom(...CUSTOMERS),
        email: fc.constantFrom(...EMAILS),
        package: fc.constantFrom(...PACKAGES, 'webex_suite'),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('delete-user' as const),
        customer: fc.constantFrom(...CUSTOMERS),
        email: fc.constantFrom(...EMAILS),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('customer' as const),
        customer: fc.constantFrom(...CUSTOMERS),
        limits: limitsArb,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('delete-customer' as const),
        customer: fc.constantFrom(...CUSTOMERS),
      }),
    },
  ),
});

/** A ledger whose users fit their limits, as earlier runs leave it. */
const ledgerArb = fc
  .record({
    limits: fc.array(limitsArb, { minLength: CUSTOMERS.length, maxLength: CUSTOMERS.length }),
    users: fc.array(
      fc.record({
        customer: fc.constantFrom(...CUSTOMERS),
        email: fc.constantFrom(...EMAILS),
        package: fc.constantFrom(...PACKAGES),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ limits, users }) => {
    const held = new Map<string, string>();
    const count = (c: string, p: string) =>
      [...held].filter(([k, v]) => k.startsWith(`${c}/`) && v === p).length;
    for (const u of users) {
      const limit = limits[CUSTOMERS.indexOf(u.customer)]?.[u.package as 'webex_meetings'] ?? 0;
      if (!held.has(`${u.customer}/${u.email}`) && count(u.customer, u.package) < limit)
        held.set(`${u.customer}/${u.email}`, u.package);
    }
    return { limits, held };
  });

function rowOf(op: Op): RowRecord {
  switch (op.kind) {
    case 'user':
      return aSubscriberRow({
        customer_external_id: op.customer,
        email: op.email,
        package: op.package,
        extension: '100',
      });
    case 'delete-user':
      return aSubscriberRow({
        customer_external_id: op.customer,
        email: op.email,
        package: '',
        action: 'delete',
      });
    case 'customer':
      return aCustomerRow({
        external_id: op.customer,
        packages: PACKAGES.join(', '),
        limit_webex_meetings: String(op.limits.webex_meetings),
        limit_webex_calling: String(op.limits.webex_calling),
        location_timezone: 'America/Chicago',
        language: 'en',
      });
    case 'delete-customer':
      return { external_id: op.customer, action: 'delete' };
  }
}

describe('R-PKG-3 property: no sequence of sheets assigns beyond a limit', () => {
  it('when customers, moves and deletes arrive in any order across files, then every package stays within its limit', () => {
    fc.assert(
      fc.property(ledgerArb, fc.array(opArb, { maxLength: 60 }), ({ limits, held }, ops) => {
        const seed: LedgerSeed = {
          customers: CUSTOMERS.map((c, i) => ({
            externalId: c,
            desiredAction: 'upsert' as const,
            desired: { packages: [...PACKAGES], limits: limits[i], address: { country: 'US' } },
          })),
          subscribers: [...held].map(([key, pkg]) => ({
            customerExternalId: key.split('/')[0] ?? '',
            email: key.split('/')[1] ?? '',
            desiredAction: 'upsert' as const,
            desired: { package: pkg, isAdmin: false },
          })),
        };
        const rules = createRunRules(aContext(), seed);

        // An independent model, changed only by the rows the rules accept.
        const none: Limits = { webex_meetings: 0, webex_calling: 0 };
        const modelLimits = new Map(CUSTOMERS.map((c, i) => [c, { ...none, ...limits[i] }]));
        const modelUsers = new Map(held);
        const assigned = (c: string, p: string) =>
          [...modelUsers].filter(([k, v]) => k.startsWith(`${c}/`) && v === p).length;

        // Rows in any order: the import puts customer sheets first, but the rules must not rely on it.
        const nextRow = new Map<string, number>();
        for (const { file, op } of ops) {
          const sheet = `${op.kind.includes('customer') ? 'customers' : 'users'}-${file}.csv`;
          const row = (nextRow.get(sheet) ?? 1) + 1;
          nextRow.set(sheet, row);
          const at = { file: sheet, row };
          const record = rowOf(op);
          const v =
            op.kind === 'customer' || op.kind === 'delete-customer'
              ? rules.checkCustomer(record, at)
              : rules.checkSubscriber(record, at);
          if (v.value) {
            if (op.kind === 'customer') modelLimits.set(op.customer, { ...op.limits });
            if (op.kind === 'delete-customer') {
              modelLimits.delete(op.customer);
              for (const k of [...modelUsers.keys()])
                if (k.startsWith(`${op.customer}/`)) modelUsers.delete(k);
            }
            if (op.kind === 'user') modelUsers.set(`${op.customer}/${op.email}`, op.package);
            if (op.kind === 'delete-user') modelUsers.delete(`${op.customer}/${op.email}`);
          } else if (op.kind === 'user') {
            // a refusal for quota must be a real lack of room
            const quota = v.issues.find((i) => i.code === 'QUOTA_EXCEEDED');
            if (quota)
              expect(Number(quota.params.count)).to.be.at.least(Number(quota.params.limit));
          }
          for (const [c, lim] of modelLimits)
            for (const p of PACKAGES) {
              expect(assigned(c, p), `${c} ${p} after ${sheet} row ${row}`).to.be.at.most(lim[p]);
              expect(rules.quotas.assigned(c, p), `${c} ${p} in the book`).to.equal(assigned(c, p));
            }
        }
      }),
      { numRuns: 300 },
    );
  });
});
