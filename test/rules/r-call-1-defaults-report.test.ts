import { expect } from 'chai';
import { renderDefaultsNote, renderRowMessage } from '../../src/results/index.ts';
import { createRunRules, defaultIssue, refuses, type RowIssue } from '../../src/rules/index.ts';
import { aCallingCustomerRow, aContext } from './builders.ts';

// R-CALL-1 "the report says it was defaulted": each defaulted value is an informational issue on
// its row (issues.csv, results file), and the summary gets one note per file with the count.
describe('R-CALL-1 defaults in the reports', () => {
  it('when a JP customer leaves its location empty, then each default is an informational LOCATION_DEFAULTED issue on its column', () => {
    const rules = createRunRules(aContext({ locale: 'ja' }));
    const check = rules.checkCustomer(
      aCallingCustomerRow({ location_name: '', location_timezone: '', location_language: '' }),
      { file: 'f', row: 5 },
    );
    expect(check.issues).to.deep.equal([]);
    const issues = check.defaults.map(defaultIssue);
    expect(issues.map((i) => [i.code, i.column, i.value, refuses(i)])).to.deep.equal([
      ['LOCATION_DEFAULTED', 'location_name', 'さくら会計', false],
      ['LOCATION_DEFAULTED', 'location_timezone', 'Asia/Tokyo', false],
      ['LOCATION_DEFAULTED', 'location_language', 'ja_JP', false],
    ]);
    const [tz] = issues.slice(1) as [RowIssue];
    expect(renderRowMessage(tz.code, tz.params, 'ja', 5, 'ロケーションのタイムゾーン')).to.equal(
      '5行目 ロケーションのタイムゾーン: 未入力のため「Asia/Tokyo」を使用しました（その国の唯一のタイムゾーン）。この行はそのまま処理されます。別の値にする場合は入力してください。',
    );
    expect(renderRowMessage(tz.code, tz.params, 'en', 5, 'Location time zone')).to.equal(
      'row 5, column Location time zone: empty, so "Asia/Tokyo" was used (the country\'s only time zone); the row goes ahead. Fill it in to choose another value.',
    );
  });

  it('when 10,000 rows of a file are defaulted, then the summary gets one note with the count', () => {
    const rules = createRunRules(aContext());
    let defaulted = 0;
    for (let row = 2; row < 10_002; row += 1) {
      const check = rules.checkCustomer(
        aCallingCustomerRow({ external_id: `c-${row}`, location_timezone: '' }),
        { file: 'f', row },
      );
      if (check.defaults.map(defaultIssue).length > 0) defaulted += 1;
    }
    expect(defaulted).to.equal(10_000);
    const note = renderDefaultsNote({ partner: 'sakura', file: 'big.csv', rows: defaulted }, 'en');
    expect(note).to.equal(
      'sakura/big.csv: 10000 rows left calling-location values empty and got defaults (R-CALL-1); issues.csv lists each one as LOCATION_DEFAULTED.',
    );
    expect(renderDefaultsNote({ partner: 'p', file: 'a.csv', rows: 1 }, 'pt-BR')).to.contain(
      '1 linha deixou',
    );
  });
});
