import { expect } from 'chai';
import { createRunRules, type LedgerSeed } from '../../src/rules/index.ts';
import type { CustomerRow, SubscriberRow } from '../../src/store/index.ts';
import { aContext, aCustomerRow, aSubscriberRow, codes } from './builders.ts';

const customers = (row: number) => ({ file: 'customers.csv', row });
const subscribers = (row: number, file = 'subscribers.csv') => ({ file, row });
const ledgerCustomer = {
  externalId: 'old-1',
  desiredAction: 'upsert' as const,
  desired: { packages: ['webex_meetings'], limits: {}, address: { country: 'BR' } },
};

describe('rules across rows: duplicates and the subscriber’s customer', () => {
  describe('DUPLICATE_ROW', () => {
    it('when a customer appears twice in a file, then the repeat is refused naming the first row', () => {
      const rules = createRunRules(aContext());
      expect(rules.checkCustomer(aCustomerRow(), customers(2)).issues).to.deep.equal([]);
      const repeat = rules.checkCustomer(aCustomerRow({ customer_name: 'Other' }), customers(7));
      expect(repeat.value).to.equal(null);
      expect(repeat.issues).to.deep.equal([
        {
          code: 'DUPLICATE_ROW',
          column: null,
          value: 'c-1',
          params: { value: 'c-1', firstRow: 2 },
        },
      ]);
    });

    it('when a user appears twice in a file with the email in other case, then the repeat is refused', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow(), customers(2));
      expect(rules.checkSubscriber(aSubscriberRow(), subscribers(2)).issues).to.deep.equal([]);
      const repeat = rules.checkSubscriber(
        aSubscriberRow({ email: 'ANA@good.example' }),
        subscribers(3),
      );
      expect(repeat.issues).to.deep.equal([
        {
          code: 'DUPLICATE_ROW',
          column: null,
          value: 'c-1/ana@good.example',
          params: { value: 'c-1/ana@good.example', firstRow: 2 },
        },
      ]);
      expect(rules.quotas.assigned('c-1', 'webex_meetings')).to.equal(1);
    });

    it('when the same key is in two files, then neither is a duplicate', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow(), customers(2));
      expect(rules.checkSubscriber(aSubscriberRow(), subscribers(2, 'a.csv')).issues).to.deep.equal(
        [],
      );
      expect(rules.checkSubscriber(aSubscriberRow(), subscribers(2, 'b.csv')).issues).to.deep.equal(
        [],
      );
    });

    it('when a customer id looks like a user key, then customer and user rows are told apart', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow(), customers(2));
      expect(
        rules.checkSubscriber(aSubscriberRow(), subscribers(3, 'book.xlsx')).issues,
      ).to.deep.equal([]);
      const lookalike = rules.checkCustomer(aCustomerRow({ external_id: 'c-1/ana@good.example' }), {
        file: 'book.xlsx',
        row: 4,
      });
      expect(codes(lookalike.issues)).to.not.include('DUPLICATE_ROW');
    });

    it('when a file is forgotten at its end, then its rows are no longer remembered', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow(), customers(2));
      rules.checkSubscriber(aSubscriberRow(), subscribers(2, 'a.csv'));
      rules.forgetFile('a.csv');
      // Offered again under the same file id (as a file read again would be): not a repeat.
      expect(
        codes(rules.checkSubscriber(aSubscriberRow(), subscribers(5, 'a.csv')).issues),
      ).to.deep.equal([]);
      expect(rules.quotas.assigned('c-1', 'webex_meetings')).to.equal(1);
    });

    it('when the first row was refused, then the repeat still names it', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow({ primary_email: 'bad' }), customers(2));
      expect(codes(rules.checkCustomer(aCustomerRow(), customers(3)).issues)).to.deep.equal([
        'DUPLICATE_ROW',
      ]);
    });
  });

  describe('the subscriber’s customer', () => {
    it('when the customer is in a sheet of this run, then the user is accepted', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow(), customers(2));
      expect(rules.checkSubscriber(aSubscriberRow(), subscribers(2)).issues).to.deep.equal([]);
    });

    it('when the customer is only in the ledger, then the user is accepted with the ledger’s country for phones', () => {
      const rules = createRunRules(aContext(), { customers: [ledgerCustomer] });
      const v = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'old-1', phone_number: '11 98765-4321' }),
        subscribers(2),
      );
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.phoneNumber).to.equal('+5511987654321');
    });

    it('when the customer is nowhere, then UNKNOWN_CUSTOMER', () => {
      const rules = createRunRules(aContext(), { customers: [ledgerCustomer] });
      const v = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'nobody' }),
        subscribers(2),
      );
      expect(v.issues).to.deep.equal([
        {
          code: 'UNKNOWN_CUSTOMER',
          column: 'customer_external_id',
          value: 'nobody',
          params: { value: 'nobody' },
        },
      ]);
    });

    it('when the ledger customer is marked deleted, then it is unknown', () => {
      const rules = createRunRules(aContext(), {
        customers: [{ ...ledgerCustomer, desiredAction: 'delete' }],
      });
      const v = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'old-1' }),
        subscribers(2),
      );
      expect(codes(v.issues)).to.deep.equal(['UNKNOWN_CUSTOMER']);
    });

    it('when the customer row was refused, then CUSTOMER_REJECTED names its row, even for a ledger customer', () => {
      const rules = createRunRules(aContext(), { customers: [ledgerCustomer] });
      rules.checkCustomer(aCustomerRow({ external_id: 'old-1', country: 'Brasil' }), customers(4));
      const v = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'old-1' }),
        subscribers(2),
      );
      expect(v.issues).to.deep.equal([
        {
          code: 'CUSTOMER_REJECTED',
          column: 'customer_external_id',
          value: 'old-1',
          params: { value: 'old-1', customerRow: 4 },
        },
      ]);
    });

    it('when a refused customer row is followed by an accepted one in another file, then its users are accepted', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow({ country: 'Brasil' }), customers(2));
      rules.checkCustomer(aCustomerRow(), { file: 'more-customers.csv', row: 2 });
      expect(rules.checkSubscriber(aSubscriberRow(), subscribers(2)).issues).to.deep.equal([]);
    });

    it('when the customer is deleted in this run, then CUSTOMER_DELETED for new users and deletes still pass', () => {
      const rules = createRunRules(aContext(), { customers: [ledgerCustomer] });
      expect(
        rules.checkCustomer({ external_id: 'old-1', action: 'delete' }, customers(3)).issues,
      ).to.deep.equal([]);
      const add = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'old-1' }),
        subscribers(2),
      );
      expect(add.issues.map((i) => [i.code, i.params.customerRow])).to.deep.equal([
        ['CUSTOMER_DELETED', 3],
      ]);
      const del = rules.checkSubscriber(
        aSubscriberRow({
          customer_external_id: 'old-1',
          email: 'x@good.example',
          action: 'delete',
        }),
        subscribers(3),
      );
      expect(del.issues).to.deep.equal([]);
    });

    it('when a subscriber row is itself invalid and its customer unknown, then both are said (contract §6: the condition always gets its code)', () => {
      const rules = createRunRules(aContext());
      const v = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'nobody', email: 'bad' }),
        subscribers(2),
      );
      expect(codes(v.issues)).to.deep.equal(['INVALID_EMAIL', 'UNKNOWN_CUSTOMER']);
    });

    it('when the customer is unknown, then a national phone number is not called invalid (it has no region yet)', () => {
      const rules = createRunRules(aContext());
      const v = rules.checkSubscriber(
        aSubscriberRow({ customer_external_id: 'nobody', phone_number: '(11) 98765-4321' }),
        subscribers(2),
      );
      expect(codes(v.issues)).to.deep.equal(['UNKNOWN_CUSTOMER']);
    });
  });

  describe('what a run verdict carries', () => {
    it('when the store’s ledger rows are passed as they are, then they seed the run', () => {
      const customer: CustomerRow = {
        id: 1,
        partnerId: 'acme',
        externalId: 'old-1',
        desired: ledgerCustomer.desired,
        desiredHash: 'h',
        desiredAction: 'upsert',
        sourceRowId: null,
        webexId: null,
        webexStatus: null,
        webexOrgId: null,
        appliedHash: null,
      };
      const subscriber: SubscriberRow = {
        id: 1,
        partnerId: 'acme',
        customerExternalId: 'old-1',
        email: 'a@good.example',
        desired: { package: 'webex_meetings', isAdmin: false },
        desiredHash: 'h',
        desiredAction: 'upsert',
        sourceRowId: null,
        webexId: null,
        webexCustomerId: null,
        webexStatus: null,
        appliedHash: null,
      };
      const seed: LedgerSeed = { customers: [customer], subscribers: [subscriber] };
      const rules = createRunRules(aContext(), seed);
      expect(rules.quotas.packageOf('old-1', 'a@good.example')).to.equal('webex_meetings');
    });

    it('when a customer row is accepted, then the key, defaults and dial-in come back', () => {
      const rules = createRunRules(aContext());
      const v = rules.checkCustomer(
        aCustomerRow({
          packages: 'webex_calling',
          country: 'SG',
          zip_or_postal_code: '018956',
          state_or_province: '',
          language: 'en',
        }),
        customers(2),
      );
      expect(v.issues).to.deep.equal([]);
      expect(v.key).to.equal('c-1');
      expect(v.defaults.map((d) => d.column)).to.deep.equal([
        'location_name',
        'location_timezone',
        'location_language',
      ]);
      expect(v.meetings).to.deep.equal({
        location: 'APAC',
        dialIn: '+65',
        dialInSource: 'telephony-domain',
      });
    });

    it('when a customer row is refused by a cross-row rule, then it carries no defaults or dial-in', () => {
      const rules = createRunRules(aContext());
      rules.checkCustomer(aCustomerRow(), customers(2));
      const v = rules.checkCustomer(aCustomerRow(), customers(3));
      expect(v).to.deep.include({ value: null, defaults: [], meetings: null, key: 'c-1' });
    });
  });
});
