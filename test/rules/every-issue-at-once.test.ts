import { expect } from 'chai';
import { renderRowMessage } from '../../src/results/index.ts';
import { createRunRules } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, aSubscriberRow, codes } from './builders.ts';

const at = (row: number, place = 'users.csv') => ({ file: place, row, place });

/**
 * A partner fixing a sheet should hear of every problem of a row at once, as Control Hub,
 * Flatfile and OneSchema show them, not one kind a night (issue 18, item 3).
 */
describe('rules: every issue of a row at once', () => {
  it('when a calling user has no phone and a package its customer does not have, then both are said', () => {
    const rules = createRunRules(aContext());
    rules.checkCustomer(aCustomerRow(), at(2, 'customers.csv'));
    const verdict = rules.checkSubscriber(aSubscriberRow({ package: 'webex_calling' }), at(2));
    expect(verdict.value).to.equal(null);
    expect(codes(verdict.issues)).to.include.members([
      'PHONE_OR_EXTENSION_REQUIRED',
      'PACKAGE_NOT_ON_CUSTOMER',
    ]);
  });

  it('when a user row is refused for a cell and its package is full, then the quota is said too and no seat is taken', () => {
    const rules = createRunRules(aContext());
    rules.checkCustomer(aCustomerRow({ limit_webex_meetings: '1' }), at(2, 'customers.csv'));
    const refused = rules.checkSubscriber(aSubscriberRow({ is_admin: 'maybe' }), at(2));
    expect(codes(refused.issues)).to.deep.equal(['INVALID_BOOLEAN']);
    // The refused row took no seat: the next user gets the only one.
    expect(
      rules.checkSubscriber(aSubscriberRow({ email: 'bo@good.example' }), at(3)).issues,
    ).to.deep.equal([]);
    const late = rules.checkSubscriber(
      aSubscriberRow({ email: 'cy@good.example', is_admin: 'maybe' }),
      at(4),
    );
    expect(codes(late.issues)).to.deep.equal(['INVALID_BOOLEAN', 'QUOTA_EXCEEDED']);
    expect(rules.quotas.assigned('c-1', 'webex_meetings')).to.equal(1);
  });

  it('when an admin row with a wrong cell names a package below the organisation’s, then R-PKG-4 is said too', () => {
    const rules = createRunRules(aContext());
    rules.checkCustomer(
      aCustomerRow({
        packages: 'webex_calling, webex_meetings',
        location_timezone: 'America/Chicago',
        location_language: 'en_US',
      }),
      at(2, 'customers.csv'),
    );
    const verdict = rules.checkSubscriber(
      aSubscriberRow({ is_admin: 'yes', package: 'webex_meetings', email: 'not an email' }),
      at(2),
    );
    expect(codes(verdict.issues)).to.include.members(['INVALID_EMAIL', 'ADMIN_PACKAGE_MISMATCH']);
  });

  it('when a customer row has a bad email and a limit below the users it holds, then both are said', () => {
    const rules = createRunRules(aContext());
    rules.checkCustomer(aCustomerRow(), at(2, 'customers.csv'));
    for (const [i, email] of ['a@good.example', 'b@good.example'].entries())
      rules.checkSubscriber(aSubscriberRow({ email }), at(i + 2));
    const verdict = rules.checkCustomer(
      aCustomerRow({ primary_email: 'nope', limit_webex_meetings: '1' }),
      at(2, 'more-customers.csv'),
    );
    expect(codes(verdict.issues)).to.deep.equal(['INVALID_EMAIL', 'QUOTA_BELOW_ASSIGNED']);
  });

  it('when a user names a customer refused in another sheet, then the message says which sheet and row', () => {
    const rules = createRunRules(aContext());
    rules.checkCustomer(aCustomerRow({ country: 'Brasil' }), at(2, 'Customers'));
    const verdict = rules.checkSubscriber(aSubscriberRow(), at(5, 'Users'));
    const issue = verdict.issues.find((i) => i.code === 'CUSTOMER_REJECTED');
    expect(issue?.params).to.include({ customerRow: 2, customerPlace: 'Customers' });
    expect(renderRowMessage('CUSTOMER_REJECTED', issue!.params, 'en', 5, null)).to.contain(
      'customer "c-1" was refused (Customers, row 2)',
    );
    expect(renderRowMessage('CUSTOMER_REJECTED', issue!.params, 'pt-BR', 5, null)).to.contain(
      '(Customers, linha 2)',
    );
    expect(renderRowMessage('CUSTOMER_REJECTED', issue!.params, 'ja', 5, null)).to.contain(
      'Customersの2行目',
    );
  });
});
