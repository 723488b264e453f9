import { expect } from 'chai';
import { validateCustomerRow, type RowIssue } from '../../src/rules/index.ts';
import { aContext, aCustomerRow, codes } from './builders.ts';

const check = (overrides: Record<string, string>) =>
  validateCustomerRow(aCustomerRow(overrides), aContext());

describe('R-ADDR-1 billing address: lines, postal code and state per country', () => {
  describe('address lines of at most 50 characters', () => {
    it('when line 1 has 50 characters, then it is accepted', () => {
      expect(check({ address_line1: 'x'.repeat(50) }).issues).to.deep.equal([]);
    });
    it('when line 2 has 51 characters, then ADDRESS_TOO_LONG names the length and the limit', () => {
      const line = 'y'.repeat(51);
      expect(check({ address_line2: line }).issues).to.deep.equal([
        {
          code: 'ADDRESS_TOO_LONG',
          column: 'address_line2',
          value: line,
          params: { value: line, length: 51, max: 50 },
        },
      ]);
    });
    it('when a Japanese line has 51 characters, then characters are counted, not bytes', () => {
      expect(codes(check({ address_line1: '丸'.repeat(50) }).issues)).to.deep.equal([]);
      expect(codes(check({ address_line1: '丸'.repeat(51) }).issues)).to.deep.equal([
        'ADDRESS_TOO_LONG',
      ]);
    });
    it('when line 1 or the city is missing, then REQUIRED', () => {
      expect(check({ address_line1: '', city: '' }).issues.map((i) => i.column)).to.deep.equal([
        'address_line1',
        'city',
      ]);
    });
  });

  describe('postal-code formats', () => {
    const valid: [string, string, string][] = [
      ['US', '28801', 'NC'],
      ['US', '28801-1234', 'NC'],
      ['CA', 'M5J 2N8', 'ON'],
      ['CA', 'm5j2n8', 'ON'],
      ['MX', '06600', 'CDMX'],
      ['BR', '01310-100', 'SP'],
      ['BR', '01310100', 'SP'],
      ['AR', 'C1002AAR', 'CABA'],
      ['AR', '1002', 'CABA'],
      ['GB', 'SW1A 1AA', ''],
      ['GB', 'EC1A1BB', ''],
      ['DE', '10115', ''],
      ['FR', '75001', ''],
      ['ES', '28013', ''],
      ['IT', '00184', ''],
      ['NL', '1012 JS', ''],
      ['JP', '100-0005', '東京都'],
      ['JP', '1000005', '東京都'],
      ['AU', '2000', 'NSW'],
      ['NZ', '6011', ''],
      ['SG', '018956', ''],
      ['IN', '110001', 'DL'],
      ['PT', '1100-148', ''],
      ['KE', 'anything goes', ''], // no format in the table
    ];
    for (const [country, postal, state] of valid) {
      it(`when ${country} has ${JSON.stringify(postal)}, then it is accepted`, () => {
        const v = check({ country, zip_or_postal_code: postal, state_or_province: state });
        expect(v.issues).to.deep.equal([]);
      });
    }

    const invalid: [string, string, string][] = [
      ['US', '288-01', 'INVALID_POSTAL_CODE'],
      ['US', 'ABCDE', 'INVALID_POSTAL_CODE'],
      ['CA', 'M5J 2N', 'INVALID_POSTAL_CODE'],
      ['CA', 'D5J 2N8', 'INVALID_POSTAL_CODE'], // D is not a first letter Canada Post uses
      ['BR', '0131-0100', 'INVALID_POSTAL_CODE'],
      ['GB', '12345', 'INVALID_POSTAL_CODE'],
      ['DE', '1011A', 'INVALID_POSTAL_CODE'],
      ['NL', '0123 AB', 'INVALID_POSTAL_CODE'],
      ['JP', '100-00005', 'INVALID_POSTAL_CODE'],
      ['AU', '20000', 'INVALID_POSTAL_CODE'],
      ['SG', '18956', 'VALUE_DAMAGED'], // 018956 lost its leading 0
      ['US', '2880', 'VALUE_DAMAGED'], // 02880
      ['MX', '6600', 'VALUE_DAMAGED'],
      ['IT', '184', 'VALUE_DAMAGED'], // 00184
      ['DE', '10115.0', 'VALUE_DAMAGED'],
      ['BR', '1.3101E+07', 'VALUE_DAMAGED'],
    ];
    for (const [country, postal, code] of invalid) {
      it(`when ${country} has ${JSON.stringify(postal)}, then ${code}`, () => {
        const v = check({ country, zip_or_postal_code: postal, state_or_province: 'X' });
        expect(v.value).to.equal(null);
        expect(codes(v.issues)).to.deep.equal([code]);
        expect(v.issues[0]?.column).to.equal('zip_or_postal_code');
      });
    }

    it('when a postal code is wrong, then the issue names the country and an example', () => {
      const [issue] = check({ country: 'JP', zip_or_postal_code: '1000' }).issues;
      expect(issue?.params).to.deep.equal({ value: '1000', country: 'JP', example: '100-0005' });
    });
    it('when a postal code lost its leading zero, then the repaired code is suggested', () => {
      const [issue] = check({ country: 'MX', zip_or_postal_code: '6600' }).issues;
      expect(issue?.params).to.include({ damage: 'lost its leading 0', suggestion: '06600' });
    });
  });

  describe('state and postal code required by country', () => {
    const calling = {
      packages: 'webex_calling',
      location_timezone: 'America/New_York',
      language: 'en',
    };
    const cases: [string, Record<string, string>, string[]][] = [
      [
        'a US Meetings customer without state and ZIP',
        { state_or_province: '', zip_or_postal_code: '' },
        [],
      ],
      [
        'a US calling customer without state and ZIP',
        { ...calling, state_or_province: '', zip_or_postal_code: '' },
        ['zip_or_postal_code', 'state_or_province'],
      ],
      [
        'a BR calling customer without the state',
        {
          ...calling,
          country: 'BR',
          state_or_province: '',
          zip_or_postal_code: '01310-100',
          location_timezone: 'America/Sao_Paulo',
        },
        ['state_or_province'],
      ],
      [
        'a GB calling customer without a county',
        {
          ...calling,
          country: 'GB',
          state_or_province: '',
          zip_or_postal_code: 'SW1A 1AA',
          location_timezone: '',
        },
        [],
      ],
      [
        'a DE calling customer without a postal code',
        {
          ...calling,
          country: 'DE',
          state_or_province: '',
          zip_or_postal_code: '',
          location_timezone: 'Europe/Berlin',
        },
        ['zip_or_postal_code'],
      ],
    ];
    for (const [name, overrides, columns] of cases) {
      it(`when ${name}, then ADDRESS_REQUIRED_FOR_COUNTRY on ${columns.join(', ') || 'nothing'}`, () => {
        const issues: RowIssue[] = check(overrides).issues;
        expect(issues.every((i) => i.code === 'ADDRESS_REQUIRED_FOR_COUNTRY')).to.equal(true);
        expect(issues.map((i) => i.column)).to.deep.equal(columns);
      });
    }

    it('when a policy requires the state always, then a Meetings customer needs it too', () => {
      const ctx = aContext({
        policy: {
          addressPolicies: {
            US: {
              postalCode: /^\d{5}$/,
              postalExample: '94105',
              postalRequired: 'optional',
              stateRequired: 'always',
            },
          },
        },
      });
      const v = validateCustomerRow(aCustomerRow({ state_or_province: '' }), ctx);
      expect(v.issues).to.deep.equal([
        {
          code: 'ADDRESS_REQUIRED_FOR_COUNTRY',
          column: 'state_or_province',
          value: null,
          params: { country: 'US', field: 'state', reason: 'always' },
        },
      ]);
    });
  });
});
