import { expect } from 'chai';
import { COUNTRIES } from '../../src/rules/data/countries.ts';
import {
  CUSTOMER_PACKAGES,
  DEFAULT_POLICY,
  SUBSCRIBER_PACKAGES,
  certainTimeZone,
  checkTimeZone,
  isCountryCode,
} from '../../src/rules/index.ts';

describe('policy data: the shipped tables hold together', () => {
  it('when the country table is read, then it has the 249 ISO 3166-1 codes, each with three names', () => {
    const codes = Object.keys(COUNTRIES);
    expect(codes).to.have.length(249);
    for (const [code, entry] of Object.entries(COUNTRIES)) {
      expect(code).to.match(/^[A-Z]{2}$/);
      expect(entry.alpha3).to.match(/^[A-Z]{3}$/);
      expect(entry.en && entry.ja && entry['pt-BR'], code)
        .to.be.a('string')
        .and.not.equal('');
    }
    expect(new Set(codes.map((c) => COUNTRIES[c]?.alpha3)).size).to.equal(249);
  });

  it('when the location map is read, then every country has one of the five locations', () => {
    for (const code of Object.keys(COUNTRIES))
      expect(DEFAULT_POLICY.countryLocations[code], code).to.be.oneOf([
        'AMER',
        'APAC',
        'ANZ',
        'EMEA',
        'EURO',
      ]);
  });

  it('when the telephony-domain list is read, then every entry is a known country with numbers', () => {
    for (const [code, numbers] of Object.entries(DEFAULT_POLICY.telephonyDomainDialIns)) {
      expect(isCountryCode(code), code).to.equal(true);
      expect(numbers.length).to.be.greaterThan(0);
      for (const n of numbers) expect(n).to.match(/^\+\d/);
    }
  });

  it('when each address policy is read, then its example matches its own format', () => {
    for (const [code, policy] of Object.entries(DEFAULT_POLICY.addressPolicies)) {
      expect(isCountryCode(code), code).to.equal(true);
      if (policy.postalCode)
        expect(policy.postalCode.test(policy.postalExample ?? ''), code).to.equal(true);
    }
  });

  it('when the issue’s sixteen countries are looked up, then each has a postal-code format', () => {
    for (const code of [
      'US',
      'CA',
      'MX',
      'BR',
      'AR',
      'GB',
      'DE',
      'FR',
      'ES',
      'IT',
      'NL',
      'JP',
      'AU',
      'NZ',
      'SG',
      'IN',
    ])
      expect(DEFAULT_POLICY.addressPolicies[code]?.postalCode, code).to.be.instanceOf(RegExp);
  });

  it('when a country has one time zone, then Intl knows it, so defaulting it is safe', () => {
    for (const code of Object.keys(COUNTRIES)) {
      const zone = certainTimeZone(code);
      if (zone) expect(checkTimeZone(zone), `${code} ${zone}`).to.deep.equal({ ok: true });
    }
    expect(certainTimeZone('JP')).to.equal('Asia/Tokyo');
    expect(certainTimeZone('BR')).to.equal(null);
    expect(certainTimeZone('US')).to.equal(null);
  });

  it('when the supported languages are read, then each is xx or xx_YY and every region has its bare language', () => {
    const tags = DEFAULT_POLICY.supportedLanguages;
    for (const tag of tags) {
      expect(tag).to.match(/^[a-z]{2}(_[A-Z]{2})?$/);
      const [lang, region] = tag.split('_');
      if (region) {
        expect(tags, tag).to.include(lang);
        expect(isCountryCode(region), tag).to.equal(true);
      }
    }
  });

  it('when add-ons and ranks are read, then they name packages the API knows', () => {
    for (const [addon, needs] of Object.entries(DEFAULT_POLICY.addonDependencies)) {
      expect(CUSTOMER_PACKAGES).to.have.property(addon);
      for (const n of needs) expect(CUSTOMER_PACKAGES).to.have.property(n);
    }
    for (const pkg of Object.keys(DEFAULT_POLICY.adminPackageRank))
      expect(SUBSCRIBER_PACKAGES).to.include(pkg);
  });
});
