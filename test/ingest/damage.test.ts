import { expect } from 'chai';
import { detectDamage } from '../../src/ingest/damage.ts';

describe('ingest: values a spreadsheet damaged (VALUE_DAMAGED)', () => {
  const cases: [
    string,
    string,
    Parameters<typeof detectDamage>[2],
    string | null,
    ReturnType<typeof detectDamage>,
  ][] = [
    ['phone_number', '5.51199E+12', 'text', 'BR', 'scientific notation'],
    ['phone_number', '1.2345678901234567E+19', 'text', 'US', 'scientific notation'],
    ['phone_number', '12345678901234567890', 'text', 'US', 'more than 15 digits'],
    ['phone_number', '447911123456', 'text', 'BR', 'lost its leading +'],
    ['phone_number', '81312345678', 'text', 'US', 'lost its leading +'],
    ['phone_number', '18285550101', 'number', 'US', 'stored as a number'],
    ['zip_or_postal_code', '2801', 'text', 'US', 'lost its leading 0'],
    ['zip_or_postal_code', '95035', 'number', 'US', 'stored as a number'],
    ['zip_or_postal_code', '1310100', 'text', 'BR', 'lost its leading 0'],
    // values that are fine
    ['phone_number', '+18285550101', 'text', 'US', null],
    ['phone_number', '11987654321', 'text', 'BR', null], // national format with area code
    ['phone_number', '18285550101', 'text', 'US', null], // 1 + area code: a national format too
    ['phone_number', '(828) 555-0101', 'text', 'US', null],
    ['zip_or_postal_code', '28801', 'text', 'US', null],
    ['zip_or_postal_code', '01310-100', 'text', 'BR', null],
    ['zip_or_postal_code', 'M5J 2N8', 'text', 'CA', null],
    ['extension', '101', 'number', 'US', null],
    ['customer_name', '1.5E+3', 'text', 'US', null],
    ['phone_number', '', 'empty', 'US', null],
  ];
  for (const [column, value, type, country, expected] of cases) {
    it(`when ${column} is "${value}" (${type}, ${country}), then ${expected ?? 'it is not damaged'}`, () => {
      expect(detectDamage(column, value, type, country)).to.equal(expected);
    });
  }
});
