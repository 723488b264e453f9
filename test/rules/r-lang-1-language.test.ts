import { expect } from 'chai';
import { validateCustomerRow } from '../../src/rules/index.ts';
import { aCallingCustomerRow, aContext, aCustomerRow } from './builders.ts';

describe('R-LANG-1 language is a supported xx or xx_YY tag', () => {
  for (const tag of ['en', 'ja', 'es_MX', 'pt_BR', 'en_US', 'en_us', 'FR_ca', 'zh_TW']) {
    it(`when the language is ${tag}, then it is accepted as written`, () => {
      const v = validateCustomerRow(aCustomerRow({ language: tag }), aContext());
      expect(v.issues).to.deep.equal([]);
      expect(v.value?.language).to.equal(tag);
    });
  }

  const refused: [string, string | null][] = [
    ['en-US', 'en_US'],
    ['pt-br', 'pt_BR'],
    ['English', 'en'],
    ['日本語', 'ja'],
    ['Português', 'pt'],
    ['jp', 'ja'],
    ['en_XX', 'en'],
    ['Klingon', null],
    ['xx', null],
    ['eng', null],
  ];
  for (const [cell, suggestion] of refused) {
    it(`when the language is ${JSON.stringify(cell)}, then INVALID_LANGUAGE suggests ${suggestion ?? 'nothing'}`, () => {
      const v = validateCustomerRow(aCustomerRow({ language: cell }), aContext());
      expect(v.issues).to.deep.equal([
        {
          code: 'INVALID_LANGUAGE',
          column: 'language',
          value: cell,
          params: suggestion ? { value: cell, suggestion } : { value: cell },
        },
      ]);
    });
  }

  it('when the location language is not a tag, then INVALID_LANGUAGE names that column', () => {
    const v = validateCustomerRow(
      aCallingCustomerRow({ location_language: 'Japanese' }),
      aContext(),
    );
    expect(v.issues.map((i) => [i.code, i.column])).to.deep.equal([
      ['INVALID_LANGUAGE', 'location_language'],
    ]);
  });

  it('when the policy lists other languages, then only those are accepted', () => {
    const ctx = aContext({ policy: { supportedLanguages: ['en', 'en_US'] } });
    expect(validateCustomerRow(aCustomerRow({ language: 'en_us' }), ctx).issues).to.deep.equal([]);
    expect(validateCustomerRow(aCustomerRow({ language: 'ja' }), ctx).issues[0]?.code).to.equal(
      'INVALID_LANGUAGE',
    );
  });
});
