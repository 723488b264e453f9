import { expect } from 'chai';
import { createRunRules } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, aSubscriberRow } from './builders.ts';

const at = (row: number, file = 'subscribers.csv') => ({ file, row });

describe('R-PKG-2 a user’s package is one of the customer’s', () => {
  const cases: [string, string, string[]][] = [
    ['webex_meetings, webex_calling', 'webex_meetings', []],
    ['webex_meetings, webex_calling', 'Webex Calling', []],
    ['webex_meetings', 'webex_calling', ['PACKAGE_NOT_ON_CUSTOMER']],
    ['webex_suite', 'webex_meetings', ['PACKAGE_NOT_ON_CUSTOMER']],
  ];
  for (const [customerPackages, userPackage, expected] of cases) {
    it(`when the customer has ${customerPackages} and the user asks for ${userPackage}, then ${expected.join(', ') || 'it is accepted'}`, () => {
      const rules = createRunRules(aContext());
      const customer = rules.checkCustomer(
        aCustomerRow({
          packages: customerPackages,
          location_timezone: 'America/Chicago',
          language: 'en',
        }),
        at(2, 'customers.csv'),
      );
      expect(customer.issues).to.deep.equal([]);
      const v = rules.checkSubscriber(
        aSubscriberRow({ package: userPackage, extension: '101' }),
        at(2),
      );
      expect(v.issues.map((i) => i.code)).to.deep.equal(expected);
    });
  }

  it('when the package is missing from a ledger customer, then the issue lists the customer’s packages', () => {
    const rules = createRunRules(aContext(), {
      customers: [
        {
          externalId: 'c-1',
          desiredAction: 'upsert',
          desired: {
            packages: ['webex_meetings', 'webex_voice'],
            limits: {},
            address: { country: 'US' },
          },
        },
      ],
    });
    const v = rules.checkSubscriber(
      aSubscriberRow({ package: 'webex_suite', phone_number: '+18285550101' }),
      at(5),
    );
    expect(v.issues).to.deep.equal([
      {
        code: 'PACKAGE_NOT_ON_CUSTOMER',
        column: 'package',
        value: 'webex_suite',
        params: { value: 'webex_suite', customer: 'c-1', packages: 'webex_meetings, webex_voice' },
      },
    ]);
  });
});
