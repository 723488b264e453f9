import { expect } from 'chai';
import { validateCustomerRow, validateSubscriberRow } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, aSubscriberRow } from './builders.ts';

const calling = { location_timezone: 'America/Chicago', language: 'en' };

describe('R-PKG-5 add-ons only when enabled, and with a package they depend on', () => {
  const cases: [string, boolean, string[]][] = [
    ['webex_calling, attendant_console', true, []],
    ['webex_voice, attendant_console', true, []], // added to the list in 2026
    ['webex_suite, cisco_calling_plan', true, []],
    ['common_area_calling, cisco_calling_plan', true, []],
    ['webex_calling_standard, cisco_calling_plan', true, []],
    ['webex_meetings, attendant_console', true, ['ADDON_DEPENDENCY']],
    ['common_area_calling, attendant_console', true, ['ADDON_DEPENDENCY']],
    ['webex_meetings, cisco_calling_plan', true, ['ADDON_DEPENDENCY']],
    ['webex_calling, attendant_console', false, ['ADDON_NOT_ENABLED']],
    ['webex_calling, Cisco Calling Plan', false, ['ADDON_NOT_ENABLED']],
    ['webex_calling', false, []],
  ];
  for (const [packages, enabled, expected] of cases) {
    it(`when a ${enabled ? 'partner with add-ons' : 'partner without add-ons'} orders ${packages}, then ${expected.join(', ') || 'it is accepted'}`, () => {
      const v = validateCustomerRow(
        aCustomerRow({ packages, ...calling }),
        aContext({ addonsEnabled: enabled }),
      );
      expect(v.issues.map((i) => i.code)).to.deep.equal(expected);
    });
  }

  it('when a dependency is missing, then the issue names the packages that would do', () => {
    const v = validateCustomerRow(
      aCustomerRow({ packages: 'webex_meetings, attendant_console' }),
      aContext({ addonsEnabled: true }),
    );
    expect(v.issues[0]).to.deep.equal({
      code: 'ADDON_DEPENDENCY',
      column: 'packages',
      value: 'attendant_console',
      params: {
        value: 'attendant_console',
        needs: 'webex_calling, webex_suite, cx_essentials, webex_voice',
      },
    });
  });

  it('when the rule context says nothing about add-ons, then they are off', () => {
    const v = validateCustomerRow(
      aCustomerRow({ packages: 'webex_calling, attendant_console', ...calling }),
      { locale: 'en', provisioningId: 'P' },
    );
    expect(v.issues.map((i) => i.code)).to.deep.equal(['ADDON_NOT_ENABLED']);
  });

  it('when the dependency list comes from configuration, then it is used', () => {
    const v = validateCustomerRow(
      aCustomerRow({ packages: 'webex_meetings, attendant_console' }),
      aContext({
        addonsEnabled: true,
        policy: { addonDependencies: { attendant_console: ['webex_meetings'] } },
      }),
    );
    expect(v.issues).to.deep.equal([]);
  });

  it('when a user of a partner without add-ons asks for attendant_console, then ADDON_NOT_ENABLED', () => {
    const v = validateSubscriberRow(aSubscriberRow({ package: 'attendant_console' }), aContext());
    expect(v.issues.map((i) => i.code)).to.deep.equal(['ADDON_NOT_ENABLED']);
  });
});
