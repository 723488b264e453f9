import { expect } from 'chai';
import { validateCustomerRow, validateSubscriberRow } from '../../src/rules/index.ts';
import { aCallingCustomerRow, aContext, aSubscriberRow } from './builders.ts';

describe('R-CALL-1 calling customers need a location, calling users a number', () => {
  describe('the customer’s calling location', () => {
    it('when every location column is filled in, then it is used as is and nothing is defaulted', () => {
      const v = validateCustomerRow(aCallingCustomerRow(), aContext());
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.location).to.deep.equal({
        name: 'Head Office',
        timezone: 'Asia/Tokyo',
        language: 'ja_JP',
      });
      expect(v.defaults).to.deep.equal([]);
    });

    it('when a JP customer leaves the location empty, then name, time zone and language are defaulted and reported', () => {
      const v = validateCustomerRow(
        aCallingCustomerRow({ location_name: '', location_timezone: '', location_language: '' }),
        aContext(),
      );
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.location).to.deep.equal({
        name: 'さくら会計',
        timezone: 'Asia/Tokyo',
        language: 'ja_JP',
      });
      expect(v.defaults).to.deep.equal([
        { rule: 'R-CALL-1', column: 'location_name', value: 'さくら会計', from: 'customer_name' },
        { rule: 'R-CALL-1', column: 'location_timezone', value: 'Asia/Tokyo', from: 'country' },
        {
          rule: 'R-CALL-1',
          column: 'location_language',
          value: 'ja_JP',
          from: 'customer_language',
        },
      ]);
    });

    const cases: [
      string,
      Record<string, string>,
      [string, string | null, Record<string, string>][],
    ][] = [
      [
        'a BR customer has no location time zone (Brazil has several)',
        {
          country: 'BR',
          state_or_province: 'SP',
          zip_or_postal_code: '01310-100',
          location_timezone: '',
        },
        [
          [
            'CALLING_LOCATION_REQUIRED',
            'location_timezone',
            { field: 'timezone', country: 'BR', example: 'America/Sao_Paulo' },
          ],
        ],
      ],
      [
        'a US customer has no location time zone',
        {
          country: 'US',
          state_or_province: 'NC',
          zip_or_postal_code: '28801',
          location_timezone: '',
        },
        [
          [
            'CALLING_LOCATION_REQUIRED',
            'location_timezone',
            { field: 'timezone', country: 'US', example: 'America/New_York' },
          ],
        ],
      ],
      [
        'no location language and no customer language are given',
        { language: '', location_language: '' },
        [
          [
            'CALLING_LOCATION_REQUIRED',
            'location_language',
            { field: 'language', country: 'JP', example: 'ja_JP' },
          ],
        ],
      ],
    ];
    for (const [name, overrides, expected] of cases) {
      it(`when ${name}, then CALLING_LOCATION_REQUIRED`, () => {
        const v = validateCustomerRow(aCallingCustomerRow(overrides), aContext());
        expect(v.value).to.equal(null);
        expect(v.issues.map((i) => [i.code, i.column, i.params])).to.deep.equal(expected);
      });
    }

    it('when the customer language has no regional tag for the country, then it is used as is', () => {
      const v = validateCustomerRow(
        aCallingCustomerRow({ language: 'en', location_language: '' }),
        aContext(),
      );
      expect(v.value?.location?.language).to.equal('en');
    });

    it('when the customer name is longer than a location name may be, then the policy name is used', () => {
      const long = 'K'.repeat(81);
      const v = validateCustomerRow(
        aCallingCustomerRow({ customer_name: long, location_name: '' }),
        aContext(),
      );
      expect(v.value?.location?.name).to.equal('Main');
      expect(v.defaults[0]).to.deep.equal({
        rule: 'R-CALL-1',
        column: 'location_name',
        value: 'Main',
        from: 'policy',
      });
    });

    it('when the location name has 81 characters, then LOCATION_NAME_TOO_LONG', () => {
      const long = 'L'.repeat(81);
      const v = validateCustomerRow(aCallingCustomerRow({ location_name: long }), aContext());
      expect(v.issues).to.deep.equal([
        {
          code: 'LOCATION_NAME_TOO_LONG',
          column: 'location_name',
          value: long,
          params: { value: long, length: 81, max: 80 },
        },
      ]);
    });

    it('when a Meetings-only customer has no location, then none is required or defaulted', () => {
      const v = validateCustomerRow(
        aCallingCustomerRow({
          packages: 'webex_meetings',
          location_name: '',
          location_timezone: '',
          location_language: '',
        }),
        aContext(),
      );
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.location).to.equal(undefined);
      expect(v.defaults).to.deep.equal([]);
    });

    for (const pkg of [
      'webex_suite',
      'webex_voice',
      'common_area_calling',
      'cx_essentials',
      'webex_calling_standard',
    ]) {
      it(`when the customer has ${pkg}, then it is a calling customer`, () => {
        const v = validateCustomerRow(
          aCallingCustomerRow({
            packages: pkg,
            location_timezone: '',
            country: 'US',
            zip_or_postal_code: '28801',
            state_or_province: 'NC',
          }),
          aContext(),
        );
        expect(v.issues.map((i) => i.code)).to.deep.equal(['CALLING_LOCATION_REQUIRED']);
      });
    }
  });

  describe('the calling user’s phone number or extension', () => {
    const cases: [string, Record<string, string>, string[]][] = [
      ['a calling user has a phone number', { phone_number: '+18285550101' }, []],
      ['a calling user has an extension', { extension: '101' }, []],
      ['a calling user has both', { phone_number: '+18285550101', extension: '101' }, []],
      ['a calling user has neither', {}, ['PHONE_OR_EXTENSION_REQUIRED']],
      ['a Suite user has neither', { package: 'webex_suite' }, ['PHONE_OR_EXTENSION_REQUIRED']],
      ['a Meetings user has neither', { package: 'webex_meetings' }, []],
    ];
    for (const [name, overrides, expected] of cases) {
      it(`when ${name}, then ${expected.join(', ') || 'it is accepted'}`, () => {
        const v = validateSubscriberRow(
          aSubscriberRow({ package: 'webex_calling', ...overrides }),
          aContext({ customerCountry: 'US' }),
        );
        expect(v.issues.map((i) => i.code)).to.deep.equal(expected);
      });
    }
  });
});
