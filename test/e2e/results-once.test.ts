// Issue 18, "the shape": a nightly run writes each results file once, from the ledger, at the end;
// a nightly that dies after its import leaves the results to the next run that provisions.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import {
  CUSTOMERS_HEADER,
  customersCsv,
  dropFile,
  listing,
  subscribersCsv,
} from '../support/sheets.ts';

/** How many times the log says each results file was written. */
function writesPerFile(home: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const log = readFileSync(path.join(home, 'var', 'logs', 'rtm-batch.log'), 'utf8');
  for (const line of log.split('\n')) {
    if (!line.includes('results.written')) continue;
    const { event, file } = JSON.parse(line) as { event?: string; file?: string };
    if (event === 'results.written' && file) counts[file] = (counts[file] ?? 0) + 1;
  }
  return counts;
}

/** A results file's `result` column, by the row's external id or email. */
function resultsOf(home: string, name: string): Record<string, string> {
  const rows = parse(readFileSync(path.join(home, 'outbox', 'acme', name)), {
    bom: true,
    columns: true,
  }) as Record<string, string>[];
  return Object.fromEntries(rows.map((r) => [r['External ID'] ?? r.Email ?? '', r.result ?? '']));
}

function workspace(): string {
  const home = tempHome('rtm-results-once-');
  writeConfig(home, { inbox: { stableSeconds: 0 } });
  const inbox = path.join(home, 'inbox', 'acme');
  dropFile(inbox, 'customers.csv', customersCsv('ro', 2));
  dropFile(inbox, 'users.csv', subscribersCsv('ro', 2, 1));
  // Every row refused: no provisioning result ever reaches this file's rows.
  dropFile(
    inbox,
    'refused.csv',
    `${CUSTOMERS_HEADER}bad-1,Bad Co,it@bad.example,1 Main Street,Austin,TX,78701,XX,webex_meetings,P1\n`,
  );
  return home;
}

const FILES = ['customers.csv', 'refused.csv', 'users.csv'].map(
  (f) => `outbox/acme/${f}.results.csv`,
);

describe('e2e: a nightly writes each results file once, at the end', function () {
  this.timeout(120_000);

  it('when a nightly imports and provisions, then each results file is written once and says what became of each row', async () => {
    const home = workspace();
    const run = await runCli(['nightly', '--json'], { home });
    expect(run.code, run.stderr).to.equal(1); // a refused row
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.rows).to.deep.equal({ total: 5, accepted: 4, rejected: 1 });

    expect(writesPerFile(home)).to.deep.equal(Object.fromEntries(FILES.map((f) => [f, 1])));
    expect(resultsOf(home, 'customers.csv.results.csv')).to.deep.equal({
      'ro-1': 'created',
      'ro-2': 'created',
    });
    expect(resultsOf(home, 'users.csv.results.csv')).to.deep.equal({
      'u1@ro1.example': 'created',
      'u1@ro2.example': 'created',
    });
    expect(resultsOf(home, 'refused.csv.results.csv')).to.deep.equal({ 'bad-1': 'rejected' });
  });

  it('when a nightly dies after its import, then the next provisioning run writes every file of it, refused ones included', async () => {
    const home = workspace();
    const died = await runCli(['nightly', '--json'], {
      home,
      env: { RTM_TEST_HOOKS: '1', RTM_CRASH_AT: 'claimed' },
    });
    expect(died.signal).to.equal('SIGKILL');
    // The import committed the files and wrote no results: they come at the end of a run.
    expect(listing(path.join(home, 'outbox', 'acme'))).to.deep.equal([]);

    const next = await runCli(['provision', '--json'], { home });
    expect(next.stderr).to.not.match(/Error/);
    expect(resultsOf(home, 'customers.csv.results.csv')).to.deep.equal({
      'ro-1': 'created',
      'ro-2': 'created',
    });
    expect(resultsOf(home, 'refused.csv.results.csv')).to.deep.equal({ 'bad-1': 'rejected' });
    expect(Object.keys(writesPerFile(home)).sort()).to.deep.equal(FILES);
  });

  it("when a fixed file is re-sent under its name and the nightly dies after its import, then the earlier results are withdrawn, not shown as this upload's, and the next run writes this one's", async () => {
    const home = workspace();
    const first = await runCli(['nightly', '--json'], { home });
    expect(first.code, first.stderr).to.equal(1);
    expect(resultsOf(home, 'users.csv.results.csv')).to.deep.equal({
      'u1@ro1.example': 'created',
      'u1@ro2.example': 'created',
    });
    // The same name again, now with a second user per customer.
    dropFile(path.join(home, 'inbox', 'acme'), 'users.csv', subscribersCsv('ro', 2, 2));
    const died = await runCli(['nightly', '--json'], {
      home,
      env: { RTM_TEST_HOOKS: '1', RTM_CRASH_AT: 'claimed' },
    });
    expect(died.signal).to.equal('SIGKILL');
    // users.csv's old results are gone; the files not sent again keep theirs.
    expect(listing(path.join(home, 'outbox', 'acme'))).to.deep.equal([
      'customers.csv.results.csv',
      'refused.csv.results.csv',
    ]);

    const next = await runCli(['provision', '--json'], { home });
    expect(next.stderr).to.not.match(/Error/);
    expect(resultsOf(home, 'users.csv.results.csv')).to.deep.equal({
      'u1@ro1.example': 'unchanged',
      'u2@ro1.example': 'created',
      'u1@ro2.example': 'unchanged',
      'u2@ro2.example': 'created',
    });
  });
});
