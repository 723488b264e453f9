import { expect } from 'chai';
import { checkCountry, validateCustomerRow } from '../../src/rules/index.ts';
import { aContext, aCustomerRow } from './builders.ts';

describe('R-ADDR-2 country is an ISO 3166-1 alpha-2 code', () => {
  const accepted: [string, string][] = [
    ['US', 'US'],
    ['us', 'US'],
    ['JP', 'JP'],
    ['BR', 'BR'],
    ['ＪＰ', 'JP'],
    [' GB ', 'GB'],
  ];
  for (const [cell, code] of accepted) {
    it(`when the cell is ${JSON.stringify(cell)}, then it is accepted as ${code}`, () => {
      expect(checkCountry(cell)).to.deep.equal({ ok: true, code });
      const v = validateCustomerRow(
        aCustomerRow({ country: cell, zip_or_postal_code: '' }),
        aContext(),
      );
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.address.country).to.equal(code);
    });
  }

  const refused: [string, string | null][] = [
    ['Brasil', 'BR'],
    ['Brazil', 'BR'],
    ['日本', 'JP'],
    ['USA', 'US'],
    ['United States', 'US'],
    ['United States of America', 'US'],
    ['U.S.A.', 'US'],
    ['Japão', 'JP'],
    ['アメリカ', 'US'],
    ['アメリカ合衆国', 'US'],
    ['UK', 'GB'],
    ['Deutschland', 'DE'],
    ['Alemanha', 'DE'],
    ['México', 'MX'],
    ['JPN', 'JP'],
    ['Germny', 'DE'],
    ['XX', null],
    ['Chine', null], // China or Chile: no guess
    ['Atlantis', null],
  ];
  for (const [cell, suggestion] of refused) {
    it(`when the cell is ${JSON.stringify(cell)}, then INVALID_COUNTRY suggests ${suggestion ?? 'nothing'}`, () => {
      const v = validateCustomerRow(aCustomerRow({ country: cell }), aContext());
      expect(v.value).to.equal(null);
      expect(v.issues).to.deep.equal([
        {
          code: 'INVALID_COUNTRY',
          column: 'country',
          value: cell,
          params: suggestion ? { value: cell, suggestion } : { value: cell },
        },
      ]);
    });
  }
});
