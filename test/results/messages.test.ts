import { expect } from 'chai';
import {
  DESCRIBED_CODES,
  describeIssue,
  renderDefaultNote,
  renderRowMessage,
} from '../../src/results/index.ts';
import { ISSUE_CODES, validateCustomerRow, type IssueParams } from '../../src/rules/index.ts';
import { LOCALES } from '../../src/config/index.ts';
import { aContext, aCustomerRow } from '../rules/builders.ts';

// Parameters every template may use, so a message never shows "undefined".
const FULL: IssueParams = {
  value: 'X-VALUE',
  suggestion: 'BR',
  country: 'BR',
  example: '01310-100',
  field: 'postal',
  reason: 'calling',
  length: 51,
  max: 50,
  count: 3,
  limit: 2,
  package: 'webex_calling',
  packages: 'webex_meetings',
  customer: 'c-1',
  expected: 'webex_calling',
  from: 'webex_suite',
  to: 'webex_calling',
  needs: 'webex_calling, webex_suite',
  firstRow: 2,
  customerRow: 4,
  damage: 'lost its leading 0',
  callingCode: '+55',
  detail: 'line 3',
  original: 'customers.csv',
  description: 'Invalid address',
  errorCode: 400123,
  trackingId: 'ROUTER_1',
};

describe('messages: every code in en, ja and pt-BR', () => {
  it('when the code list is read, then every code has a message in every locale', () => {
    expect([...DESCRIBED_CODES]).to.deep.equal([...ISSUE_CODES]);
  });

  for (const code of ISSUE_CODES) {
    for (const locale of LOCALES) {
      it(`when ${code} is described in ${locale}, then the sentence is complete`, () => {
        const text = describeIssue(code, FULL, locale);
        expect(text).to.not.match(/undefined|null|\[object/);
        expect(text.length).to.be.greaterThan(8);
        expect(text.startsWith(code)).to.equal(false); // not the fallback
        // codes about an empty cell or a whole file have no value to quote
        const noValue = [
          'REQUIRED',
          'CALLING_LOCATION_REQUIRED',
          'FORMULA_WITHOUT_VALUE',
          'MERGED_CELLS',
        ];
        if (!code.startsWith('FILE_') && !noValue.includes(code))
          expect(text, 'names the value or what it counts').to.match(
            /X-VALUE|webex_|c-1|BR|Invalid address/,
          );
        const withoutParams = describeIssue(code, {}, locale);
        expect(withoutParams).to.not.match(/undefined|\[object/);
      });
    }
  }

  it('when a Japanese partner writes 日本 as the country in row 14, then the message reads as in the issue', () => {
    const v = validateCustomerRow(aCustomerRow({ country: '日本' }), aContext({ locale: 'ja' }));
    const [issue] = v.issues;
    expect(issue).to.not.equal(undefined);
    if (!issue) return;
    expect(renderRowMessage(issue.code, issue.params, 'ja', 14, '国')).to.equal(
      '14行目 国: 「日本」は ISO 3166 の2文字コードではありません。JP を指定してください。',
    );
    expect(renderRowMessage(issue.code, issue.params, 'en', 14, 'Country')).to.equal(
      'row 14, column Country: "日本" is not an ISO 3166 two-letter country code. Did you mean JP? Enter JP.',
    );
    expect(renderRowMessage(issue.code, issue.params, 'pt-BR', 14, 'País')).to.equal(
      'linha 14, coluna País: "日本" não é um código de país ISO 3166 de duas letras. Quis dizer JP? Informe JP.',
    );
  });

  it('when a calling location lacks its time zone or language, then the message says which and gives an example', () => {
    expect(
      describeIssue(
        'CALLING_LOCATION_REQUIRED',
        { field: 'timezone', country: 'BR', example: 'America/Sao_Paulo' },
        'en',
      ),
    ).to.equal(
      "a customer with a calling package needs its calling location's time zone, which BR (Brazil) alone does not decide; enter one, for example America/Sao_Paulo.",
    );
    expect(
      describeIssue(
        'CALLING_LOCATION_REQUIRED',
        { field: 'language', country: 'JP', example: 'ja_JP' },
        'ja',
      ),
    ).to.contain('ja_JP');
  });

  it('when a country has no suggestion, then the message still says what to enter', () => {
    expect(describeIssue('INVALID_COUNTRY', { value: 'Atlantis' }, 'en')).to.equal(
      '"Atlantis" is not an ISO 3166 two-letter country code. Enter a two-letter code such as US, BR or JP.',
    );
  });

  it('when a postal code is wrong, then the message names the country in the reader’s language', () => {
    const p = { value: '1000', country: 'JP', example: '100-0005' };
    expect(describeIssue('INVALID_POSTAL_CODE', p, 'en')).to.contain('JP (Japan)');
    expect(describeIssue('INVALID_POSTAL_CODE', p, 'ja')).to.contain('JP（日本）');
    expect(describeIssue('INVALID_POSTAL_CODE', p, 'pt-BR')).to.contain('JP (Japão)');
  });

  it('when a value was defaulted, then the note says which value and where it came from', () => {
    const note = {
      rule: 'R-CALL-1' as const,
      column: 'location_timezone' as const,
      value: 'Asia/Tokyo',
      from: 'country' as const,
    };
    expect(renderDefaultNote(note, 'en', 3, 'Location time zone')).to.equal(
      'row 3, column Location time zone: empty, so "Asia/Tokyo" was used (the country\'s only time zone); fill it in to choose another value.',
    );
    expect(renderDefaultNote(note, 'ja', 3, 'ロケーションのタイムゾーン')).to.contain(
      '「Asia/Tokyo」',
    );
    expect(renderDefaultNote(note, 'pt-BR', null, null)).to.match(/^vazio/);
  });
});

describe('messages: VALUE_DAMAGED reads the damage words of the ingest check too', () => {
  for (const damage of [
    'stored as a number',
    'scientific notation',
    'more than 15 digits',
    'lost its leading +',
    'lost its leading 0',
  ]) {
    it(`when the damage is "${damage}", then each locale says it in its own words`, () => {
      const p = { value: '8285550101', damage };
      // not the words for an unknown damage
      expect(describeIssue('VALUE_DAMAGED', p, 'en')).to.not.contain('a spreadsheet changed it');
      expect(describeIssue('VALUE_DAMAGED', p, 'ja')).to.not.contain('値が変わっています');
      expect(describeIssue('VALUE_DAMAGED', p, 'pt-BR')).to.not.contain('alterou o valor');
    });
  }
});
