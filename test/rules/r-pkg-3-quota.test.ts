import { expect } from 'chai';
import { createRunRules, QuotaBook, type LedgerSeed } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, aSubscriberRow, codes } from './builders.ts';

const at = (row: number, file = 'subscribers.csv') => ({ file, row });
const user = (n: number, pkg = 'webex_meetings', extra: Record<string, string> = {}) =>
  aSubscriberRow({ email: `u${n}@good.example`, package: pkg, extension: `${100 + n}`, ...extra });

/** A ledger customer c-1 with limits and users already assigned. */
function ledger(limits: Record<string, number>, assigned: [string, string][]): LedgerSeed {
  return {
    customers: [
      {
        externalId: 'c-1',
        desiredAction: 'upsert',
        desired: {
          packages: ['webex_meetings', 'webex_calling'],
          limits,
          address: { country: 'US' },
        },
      },
    ],
    subscribers: assigned.map(([email, pkg]) => ({
      customerExternalId: 'c-1',
      email,
      desiredAction: 'upsert' as const,
      desired: { package: pkg, isAdmin: false },
    })),
  };
}

describe('R-PKG-3 assigned users never exceed a package’s limit', () => {
  describe('QuotaBook', () => {
    it('when a package is full, then the next user is refused with the limit and the count', () => {
      const book = new QuotaBook();
      book.seedLimits('c', { webex_meetings: 2 });
      expect(book.assign('c', 'a@x', 'webex_meetings')).to.equal(null);
      expect(book.assign('c', 'b@x', 'webex_meetings')).to.equal(null);
      expect(book.assign('c', 'c@x', 'webex_meetings')).to.deep.equal({
        package: 'webex_meetings',
        limit: 2,
        count: 2,
      });
      expect(book.assigned('c', 'webex_meetings')).to.equal(2);
    });
    it('when a user holds the package already, then offering it again counts nothing', () => {
      const book = new QuotaBook();
      book.seedLimits('c', { webex_meetings: 1 });
      book.seedAssignment('c', 'A@x', 'webex_meetings');
      expect(book.assign('c', 'a@x', 'webex_meetings')).to.equal(null);
      expect(book.assigned('c', 'webex_meetings')).to.equal(1);
    });
    it('when a user moves to another package, then the old one is freed', () => {
      const book = new QuotaBook();
      book.seedLimits('c', { webex_meetings: 1, webex_calling: 1 });
      book.seedAssignment('c', 'a@x', 'webex_meetings');
      expect(book.assign('c', 'a@x', 'webex_calling')).to.equal(null);
      expect(book.assigned('c', 'webex_meetings')).to.equal(0);
      expect(book.assign('c', 'b@x', 'webex_meetings')).to.equal(null);
    });
    it('when a user is released, then its package is freed and returned', () => {
      const book = new QuotaBook();
      book.seedAssignment('c', 'a@x', 'webex_meetings');
      expect(book.release('c', 'a@x')).to.equal('webex_meetings');
      expect(book.release('c', 'a@x')).to.equal(null);
      expect(book.assigned('c', 'webex_meetings')).to.equal(0);
    });
    it('when a customer is deleted and named again, then its former users hold nothing and count nothing', () => {
      const book = new QuotaBook();
      book.seedLimits('c', { webex_meetings: 1 });
      book.seedAssignment('c', 'a@x', 'webex_meetings');
      book.seedAssignment('d', 'a@x', 'webex_calling');
      book.removeCustomer('c');
      expect(book.packageOf('c', 'a@x')).to.equal(undefined);
      book.seedLimits('c', { webex_meetings: 1 });
      expect(book.assign('c', 'b@x', 'webex_meetings')).to.equal(null);
      expect(book.release('c', 'a@x')).to.equal(null);
      expect(book.assigned('c', 'webex_meetings')).to.equal(1);
      expect(book.packageOf('d', 'A@x')).to.equal('webex_calling');
    });
    it('when a package has no limit, then any number is accepted', () => {
      const book = new QuotaBook();
      for (let i = 0; i < 50; i += 1)
        expect(book.assign('c', `${i}@x`, 'webex_meetings')).to.equal(null);
    });
    it('when limits are lowered below the assigned count, then nothing changes and the refusal says so', () => {
      const book = new QuotaBook();
      book.seedLimits('c', { webex_meetings: 5 });
      book.seedAssignment('c', 'a@x', 'webex_meetings');
      book.seedAssignment('c', 'b@x', 'webex_meetings');
      expect(book.changeLimits('c', { webex_meetings: 1 })).to.deep.equal([
        { package: 'webex_meetings', limit: 1, count: 2 },
      ]);
      expect(book.limit('c', 'webex_meetings')).to.equal(5);
      expect(book.changeLimits('c', { webex_meetings: 2 })).to.deep.equal([]);
      expect(book.limit('c', 'webex_meetings')).to.equal(2);
    });
  });

  describe('in a run', () => {
    it('when the ledger has 2 of 3 and the sheet adds 2, then the second is refused with QUOTA_EXCEEDED', () => {
      const rules = createRunRules(
        aContext(),
        ledger({ webex_meetings: 3 }, [
          ['a@good.example', 'webex_meetings'],
          ['b@good.example', 'webex_meetings'],
        ]),
      );
      expect(rules.checkSubscriber(user(1), at(2)).issues).to.deep.equal([]);
      expect(rules.checkSubscriber(user(2), at(3)).issues).to.deep.equal([
        {
          code: 'QUOTA_EXCEEDED',
          column: 'package',
          value: 'webex_meetings',
          params: {
            value: 'webex_meetings',
            package: 'webex_meetings',
            limit: 3,
            count: 3,
            customer: 'c-1',
          },
        },
      ]);
    });

    it('when rows are split across files, then the count carries over in sheet order', () => {
      const rules = createRunRules(aContext(), ledger({ webex_meetings: 2 }, []));
      expect(rules.checkSubscriber(user(1), at(2, 'a.csv')).value).to.not.equal(null);
      expect(rules.checkSubscriber(user(2), at(2, 'b.csv')).value).to.not.equal(null);
      expect(codes(rules.checkSubscriber(user(3), at(2, 'c.csv')).issues)).to.deep.equal([
        'QUOTA_EXCEEDED',
      ]);
    });

    it('when a user is deleted, then its seat goes to a later row', () => {
      const rules = createRunRules(
        aContext(),
        ledger({ webex_meetings: 1 }, [['a@good.example', 'webex_meetings']]),
      );
      expect(codes(rules.checkSubscriber(user(1), at(2, 'a.csv')).issues)).to.deep.equal([
        'QUOTA_EXCEEDED',
      ]);
      const del = rules.checkSubscriber(
        aSubscriberRow({ email: 'a@good.example', action: 'delete', package: '' }),
        at(3, 'a.csv'),
      );
      expect(del.issues).to.deep.equal([]);
      expect(rules.checkSubscriber(user(1), at(2, 'b.csv')).issues).to.deep.equal([]);
    });

    it('when a user moves from Meetings to Calling, then the Meetings seat is free for the next row', () => {
      const rules = createRunRules(
        aContext(),
        ledger({ webex_meetings: 1, webex_calling: 1 }, [['a@good.example', 'webex_meetings']]),
      );
      const move = rules.checkSubscriber(
        aSubscriberRow({ email: 'a@good.example', package: 'webex_calling', extension: '100' }),
        at(2),
      );
      expect(move.issues).to.deep.equal([]);
      expect(rules.checkSubscriber(user(1), at(3)).issues).to.deep.equal([]);
      expect(rules.quotas.assigned('c-1', 'webex_meetings')).to.equal(1);
      expect(rules.quotas.assigned('c-1', 'webex_calling')).to.equal(1);
    });

    it('when a refused row would have fit, then it takes no seat', () => {
      const rules = createRunRules(aContext(), ledger({ webex_meetings: 1 }, []));
      const bad = rules.checkSubscriber(user(1, 'webex_meetings', { is_admin: 'maybe' }), at(2));
      expect(codes(bad.issues)).to.deep.equal(['INVALID_BOOLEAN']);
      expect(rules.checkSubscriber(user(2), at(3)).issues).to.deep.equal([]);
    });

    it('when a customer row lowers a limit below what is assigned, then QUOTA_BELOW_ASSIGNED and the old limit stays', () => {
      const rules = createRunRules(
        aContext(),
        ledger({ webex_meetings: 5 }, [
          ['a@good.example', 'webex_meetings'],
          ['b@good.example', 'webex_meetings'],
        ]),
      );
      const v = rules.checkCustomer(
        aCustomerRow({ limit_webex_meetings: '1' }),
        at(2, 'customers.csv'),
      );
      expect(v.issues).to.deep.equal([
        {
          code: 'QUOTA_BELOW_ASSIGNED',
          column: 'limit_webex_meetings',
          value: '1',
          params: { value: '1', package: 'webex_meetings', limit: 1, count: 2 },
        },
      ]);
      expect(rules.quotas.limit('c-1', 'webex_meetings')).to.equal(5);
    });

    it('when a customer row drops a package its users hold, then QUOTA_BELOW_ASSIGNED with limit 0', () => {
      const rules = createRunRules(aContext(), ledger({}, [['a@good.example', 'webex_calling']]));
      const v = rules.checkCustomer(
        aCustomerRow({ packages: 'webex_meetings' }),
        at(2, 'customers.csv'),
      );
      expect(
        v.issues.map((i) => [i.code, i.column, i.params.package, i.params.limit, i.params.count]),
      ).to.deep.equal([['QUOTA_BELOW_ASSIGNED', 'packages', 'webex_calling', 0, 1]]);
    });

    it('when a customer row raises a limit, then later rows use it', () => {
      const rules = createRunRules(
        aContext(),
        ledger({ webex_meetings: 1 }, [['a@good.example', 'webex_meetings']]),
      );
      expect(
        rules.checkCustomer(aCustomerRow({ limit_webex_meetings: '2' }), at(2, 'customers.csv'))
          .issues,
      ).to.deep.equal([]);
      expect(rules.checkSubscriber(user(1), at(2)).issues).to.deep.equal([]);
      expect(codes(rules.checkSubscriber(user(2), at(3)).issues)).to.deep.equal(['QUOTA_EXCEEDED']);
    });

    it('when a customer row leaves a limit out, then the ledger’s limit still applies', () => {
      const rules = createRunRules(
        aContext(),
        ledger({ webex_meetings: 1 }, [['a@good.example', 'webex_meetings']]),
      );
      expect(rules.checkCustomer(aCustomerRow(), at(2, 'customers.csv')).issues).to.deep.equal([]);
      expect(codes(rules.checkSubscriber(user(1), at(2)).issues)).to.deep.equal(['QUOTA_EXCEEDED']);
    });
  });
});
