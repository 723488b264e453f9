import { expect } from 'chai';
import { unneutralise } from '../../src/csv/index.ts';
import { partnerColumnCount, RESULT_COLUMNS } from '../../src/results/index.ts';

describe('ingest: a results file of ours dropped back (issue 18, item 4)', () => {
  it('when a header ends with our four result columns in any locale, then only the columns before them are the partner’s', () => {
    const partner = ['External ID', 'Customer name', 'Country'];
    for (const labels of Object.values(RESULT_COLUMNS))
      expect(partnerColumnCount([...partner, ...labels])).to.equal(3);
    // Spelled as a spreadsheet may give them back: other case, full-width, spaces.
    expect(
      partnerColumnCount([...partner, 'RESULT', 'Ｃｏｄｅ', ' message ', 'Webex ID']),
    ).to.equal(3);
  });

  it('when a header merely holds a column named like one of ours, then every column is the partner’s', () => {
    expect(partnerColumnCount(['External ID', 'code', 'message'])).to.equal(3);
    expect(partnerColumnCount(['result', 'code', 'message', 'webex_id'])).to.equal(4);
  });

  it('when a field starts with the apostrophe our CSV writer put before a formula character, then the partner’s value comes back', () => {
    expect(unneutralise("'+81312345678")).to.equal('+81312345678');
    expect(unneutralise("'=SUM(A1)")).to.equal('=SUM(A1)');
    expect(unneutralise("'＝全角")).to.equal('＝全角');
    expect(unneutralise("'-5")).to.equal('-5');
    expect(unneutralise("O'Brien")).to.equal("O'Brien");
    expect(unneutralise("'quoted'")).to.equal("'quoted'");
  });
});
