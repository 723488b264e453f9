import { expect } from 'chai';
import {
  describePrune,
  isExpired,
  noPrune,
  planCutoffs,
  REPORT_FOLDER,
  RESULTS_FILE,
} from '../../src/retention/index.ts';
import { makeRunId } from '../../src/runs/index.ts';

const DAY = 24 * 3600 * 1000;

describe('retention: the pure plan (issue 19, item 3)', () => {
  it('when a kind has no number of days, then it has no cutoff: it is kept for ever', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const cut = planCutoffs(
      { reports: 30, archive: null, quarantine: 1, outbox: null, ledger: 365 },
      now,
    );
    expect(cut.reports?.toISOString()).to.equal('2026-05-02T00:00:00.000Z');
    expect(cut.quarantine?.toISOString()).to.equal('2026-05-31T00:00:00.000Z');
    expect(cut.ledger?.toISOString()).to.equal('2025-06-01T00:00:00.000Z');
    expect([cut.archive, cut.outbox]).to.deep.equal([null, null]);
  });

  it('when a partner file with an old modification time was quarantined today, then it is young: the later of modification and change time counts', () => {
    const cutoff = new Date('2026-05-01T00:00:00Z');
    const old = cutoff.getTime() - 100 * DAY;
    expect(isExpired({ mtimeMs: old, ctimeMs: old }, cutoff)).to.equal(true);
    expect(isExpired({ mtimeMs: old, ctimeMs: cutoff.getTime() + DAY }, cutoff)).to.equal(false);
    expect(isExpired({ mtimeMs: cutoff.getTime() + DAY, ctimeMs: old }, cutoff)).to.equal(false);
  });

  it('when names are listed, then only run report folders and results files are ours to prune', () => {
    expect(REPORT_FOLDER.test(makeRunId(new Date(), 'nightly'))).to.equal(true);
    for (const name of ['index.html', 'notes', '20260101T000000Z-nightly-abcdef.bak'])
      expect(REPORT_FOLDER.test(name), name).to.equal(false);
    expect(RESULTS_FILE.test('顧客.csv.results.csv')).to.equal(true);
    expect(RESULTS_FILE.test('book.xlsx.results.xlsx')).to.equal(true);
    expect(RESULTS_FILE.test('a.csv.results.csv.123.tmp')).to.equal(false);
    expect(RESULTS_FILE.test('partner-notes.csv')).to.equal(false);
  });

  it('when a prune removed nothing, then it says nothing; otherwise one line, marked in a dry run', () => {
    expect(describePrune(noPrune(), false)).to.equal(null);
    const some = { ...noPrune(), reports: 2, rows: 10, runs: 1 };
    expect(describePrune(some, false)).to.equal(
      'retention: pruned 2 report folder(s), 10 row outcome(s), 1 run(s).',
    );
    expect(describePrune(some, true)).to.equal(
      'retention (dry run): would prune 2 report folder(s), 10 row outcome(s), 1 run(s).',
    );
    expect(describePrune({ ...noPrune(), leftAlone: 1 }, false)).to.equal(
      'retention: nothing to prune; 1 link(s) or other entries that rtm-batch did not write were left alone.',
    );
  });
});
