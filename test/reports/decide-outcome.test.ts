import { expect } from 'chai';
import {
  addAttention,
  checkCounts,
  decideOutcome,
  emptyChangeCounts,
  renderReportHtml,
  validateSummary,
  type AttentionItem,
} from '../../src/reports/index.ts';
import { aFile, anIssue, aSummary } from './builders.ts';

const clean = {
  files: [],
  rows: { total: 3, accepted: 3, rejected: 0 },
  customers: emptyChangeCounts(),
  subscribers: emptyChangeCounts(),
  attention: [] as AttentionItem[],
};
const unsent: AttentionItem = {
  kind: 'unsent_changes',
  partner: 'acme',
  count: 100,
  message: 'the run stopped before sending 100 change(s); the next run sends them',
};

describe('decideOutcome (contract §4)', () => {
  it('when nothing was rejected and nothing needs a person, then ok and exit 0', () => {
    expect(decideOutcome(clean, false)).to.deep.equal({ status: 'ok', exitCode: 0 });
  });

  it('when something needs a person, then attention and exit 1, even with no row rejected', () => {
    expect(decideOutcome({ ...clean, attention: [unsent] }, false)).to.deep.equal({
      status: 'attention',
      exitCode: 1,
    });
  });

  it('when rows were rejected and something needs a person, then attention wins over partial', () => {
    const rows = { total: 3, accepted: 2, rejected: 1 };
    expect(decideOutcome({ ...clean, rows }, false)).to.deep.equal({
      status: 'partial',
      exitCode: 1,
    });
    expect(decideOutcome({ ...clean, rows, attention: [unsent] }, false).status).to.equal(
      'attention',
    );
  });

  it('when the run itself failed, then failed and exit 3 whatever else', () => {
    expect(decideOutcome({ ...clean, attention: [unsent] }, true)).to.deep.equal({
      status: 'failed',
      exitCode: 3,
    });
  });

  it('when the same kind is raised twice for a partner, then one entry carries both counts', () => {
    const into: AttentionItem[] = [];
    addAttention(into, unsent);
    addAttention(into, { ...unsent, count: 20 });
    addAttention(into, { ...unsent, partner: 'sakura', count: 1 });
    expect(into.map((a) => [a.partner, a.count])).to.deep.equal([
      ['acme', 120],
      ['sakura', 1],
    ]);
  });

  it('when a summary ends attention with its list, then it matches the schema and the report lists it first', () => {
    const summary = aSummary({ status: 'attention', exitCode: 1, attention: [unsent] });
    expect(validateSummary(summary)).to.deep.equal([]);
    const html = renderReportHtml({ summary, issues: [anIssue()], locale: 'en' });
    const attention = html.indexOf('id="attention"');
    expect(attention).to.be.greaterThan(0);
    expect(attention).to.be.lessThan(html.indexOf('id="notes"'));
    expect(html).to.include('Needs attention');
    expect(html).to.include('the run stopped before sending 100 change(s)');
  });
});

describe('checkCounts (contract §6: counts add up)', () => {
  it('when every file and the run add up, then nothing is said', () => {
    const s = aSummary();
    expect(
      checkCounts({ files: s.files, rows: { total: 1234, accepted: 1200, rejected: 34 } }),
    ).to.deep.equal([]);
  });

  it('when a file or the run does not add up, then each mismatch is named', () => {
    const problems = checkCounts({
      files: [
        aFile({ partner: 'acme', name: 'a.csv', rows: { total: 10, accepted: 7, rejected: 2 } }),
      ],
      rows: { total: 12, accepted: 7, rejected: 2 },
    });
    expect(problems).to.have.length(3);
    expect(problems[0]).to.equal('file acme/a.csv: 10 rows read, 7 accepted + 2 rejected');
  });
});
