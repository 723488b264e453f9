import { expect } from 'chai';
import { validateCustomerRow, validateSubscriberRow } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, aSubscriberRow, codes } from './builders.ts';

describe('row basics: required values, email, action, booleans, numbers, package names', () => {
  describe('customer rows', () => {
    const cases: [string, Record<string, string>, [string, string | null][]][] = [
      ['every required value is there', {}, []],
      [
        'the name, email and packages are empty',
        { customer_name: '', primary_email: '', packages: '' },
        [
          ['REQUIRED', 'customer_name'],
          ['REQUIRED', 'primary_email'],
          ['REQUIRED', 'packages'],
        ],
      ],
      [
        'the email has no domain',
        { primary_email: 'not-an-email' },
        [['INVALID_EMAIL', 'primary_email']],
      ],
      ['the action is "remove"', { action: 'remove' }, [['INVALID_ACTION', 'action']]],
      [
        'a package is unknown',
        { packages: 'webex_meetings, webex_teleport' },
        [['UNKNOWN_PACKAGE', 'packages']],
      ],
      [
        'a limit is not a number',
        { limit_webex_meetings: 'ten' },
        [['INVALID_NUMBER', 'limit_webex_meetings']],
      ],
      [
        'a limit names no package',
        { limit_webex_teleport: '5' },
        [['UNKNOWN_PACKAGE', 'limit_webex_teleport']],
      ],
    ];
    for (const [name, overrides, expected] of cases) {
      it(`when ${name}, then ${expected.map((e) => e[0]).join(', ') || 'it is accepted'}`, () => {
        const v = validateCustomerRow(aCustomerRow(overrides), aContext());
        expect(v.issues.map((i) => [i.code, i.column])).to.deep.equal(expected);
        expect(v.value === null).to.equal(expected.length > 0);
      });
    }

    it('when there is no provisioning id in the row or the partner settings, then REQUIRED', () => {
      const v = validateCustomerRow(aCustomerRow(), aContext({ provisioningId: undefined }));
      expect(v.issues.map((i) => [i.code, i.column])).to.deep.equal([
        ['REQUIRED', 'provisioning_id'],
      ]);
    });

    it('when packages are given by display name, then they are kept by API name, once each', () => {
      const v = validateCustomerRow(
        aCustomerRow({ packages: 'Webex Meetings; webex_meetings | WEBEX MEETINGS' }),
        aContext(),
      );
      expect(v.value?.packages).to.deep.equal(['webex_meetings']);
    });

    it('when a delete row has only its external id, then it is accepted', () => {
      const v = validateCustomerRow({ external_id: 'c-9', action: 'delete' }, aContext());
      expect(v.issues).to.deep.equal([]);
      expect(v.value).to.include({ externalId: 'c-9', action: 'delete' });
      expect(v.meetings).to.equal(null);
    });

    it('when a delete row has no external id, then REQUIRED', () => {
      const v = validateCustomerRow({ action: 'delete' }, aContext());
      expect(codes(v.issues)).to.deep.equal(['REQUIRED']);
    });
  });

  describe('subscriber rows', () => {
    const cases: [string, Record<string, string>, [string, string | null][]][] = [
      ['every required value is there', {}, []],
      [
        'the customer, email and package are empty',
        { customer_external_id: '', email: '', package: '' },
        [
          ['REQUIRED', 'customer_external_id'],
          ['REQUIRED', 'email'],
          ['REQUIRED', 'package'],
        ],
      ],
      [
        'the email is two addresses',
        { email: 'a@x.example; b@x.example' },
        [['INVALID_EMAIL', 'email']],
      ],
      ['Admin is "maybe"', { is_admin: 'maybe' }, [['INVALID_BOOLEAN', 'is_admin']]],
      [
        'the package is a customer-only package',
        { package: 'common_area_calling' },
        [['UNKNOWN_PACKAGE', 'package']],
      ],
    ];
    for (const [name, overrides, expected] of cases) {
      it(`when ${name}, then ${expected.map((e) => e[0]).join(', ') || 'it is accepted'}`, () => {
        const v = validateSubscriberRow(aSubscriberRow(overrides), aContext());
        expect(v.issues.map((i) => [i.code, i.column])).to.deep.equal(expected);
      });
    }

    for (const [cell, admin] of [
      ['はい', true],
      ['いいえ', false],
      ['sim', true],
      ['não', false],
      ['', false],
      ['1', true],
    ] as const) {
      it(`when Admin is ${JSON.stringify(cell)}, then the user is ${admin ? '' : 'not '}an administrator`, () => {
        expect(
          validateSubscriberRow(aSubscriberRow({ is_admin: cell }), aContext()).value?.isAdmin,
        ).to.equal(admin);
      });
    }

    it('when the email has capitals, then it is kept in lower case', () => {
      const v = validateSubscriberRow(aSubscriberRow({ email: 'Ana@Good.Example' }), aContext());
      expect(v.value?.email).to.equal('ana@good.example');
    });

    it('when a delete row has no package, then it is accepted', () => {
      const v = validateSubscriberRow(
        aSubscriberRow({ action: 'delete', package: '' }),
        aContext(),
      );
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.action).to.equal('delete');
    });
  });
});
