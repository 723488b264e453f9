import { expect } from 'chai';
import { DEFAULT_POLICY, meetingsDialIn, validateCustomerRow } from '../../src/rules/index.ts';
import { aContext, aCustomerRow } from './builders.ts';

describe('R-DIAL-1 default Meetings call-in number from the country', () => {
  const cases: [string, string, string, string][] = [
    ['US', 'AMER', '+1', 'telephony-domain'],
    ['CA', 'AMER', '+1', 'telephony-domain'],
    ['BR', 'AMER', '+1', 'location-default'],
    ['MX', 'AMER', '+1', 'location-default'],
    ['SG', 'APAC', '+65', 'telephony-domain'],
    ['JP', 'APAC', '+65', 'location-default'],
    ['IN', 'APAC', '+65', 'location-default'],
    ['AU', 'ANZ', '+61', 'telephony-domain'],
    ['NZ', 'ANZ', '+61', 'location-default'],
    ['GB', 'EMEA', '+44', 'telephony-domain'],
    ['ZA', 'EMEA', '+44', 'location-default'],
    ['AE', 'EMEA', '+44', 'location-default'],
    ['DE', 'EURO', '+49', 'telephony-domain'],
    ['FR', 'EURO', '+49', 'location-default'],
    ['NL', 'EURO', '+49', 'location-default'],
  ];
  for (const [country, location, dialIn, dialInSource] of cases) {
    it(`when the country is ${country}, then ${location} and ${dialIn} from the ${dialInSource}`, () => {
      expect(meetingsDialIn(country)).to.deep.equal({ location, dialIn, dialInSource });
    });
  }

  it('when the telephony domain lists numbers for a country, then the first one is used', () => {
    const policy = {
      ...DEFAULT_POLICY,
      telephonyDomainDialIns: { JP: ['+81 3 4578 1000', '+81 6 4560 2000'] },
    };
    expect(meetingsDialIn('JP', policy)).to.deep.equal({
      location: 'APAC',
      dialIn: '+81 3 4578 1000',
      dialInSource: 'telephony-domain',
    });
  });

  it('when a customer row is accepted, then its verdict carries the dial-in', () => {
    const v = validateCustomerRow(
      aCustomerRow({ country: 'jp', zip_or_postal_code: '100-0005' }),
      aContext(),
    );
    expect(v.meetings).to.deep.equal({
      location: 'APAC',
      dialIn: '+65',
      dialInSource: 'location-default',
    });
  });

  it('when a customer row is refused, then it carries no dial-in', () => {
    const v = validateCustomerRow(aCustomerRow({ country: 'Japan' }), aContext());
    expect(v.meetings).to.equal(null);
  });

  it('when the policy maps a country elsewhere, then that location’s default applies', () => {
    const v = validateCustomerRow(
      aCustomerRow({ country: 'JP', zip_or_postal_code: '' }),
      aContext({ policy: { countryLocations: { JP: 'ANZ' }, telephonyDomainDialIns: {} } }),
    );
    expect(v.meetings).to.deep.equal({
      location: 'ANZ',
      dialIn: '+61',
      dialInSource: 'location-default',
    });
  });
});
