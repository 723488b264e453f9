// Issue #16, item 7, through the command: a partner's correctly quoted multi-line cells, one of
// them a live formula on its second line, must come back in the results file and in issues.csv as
// the same records, read the way a spreadsheet reads them (a bare LF or CR ends an unquoted record).
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';
const EVIL = '=HYPERLINK("http://x")';
/** Without a quote in it, the old writer did not quote the cell at all. */
const BARE = '=HYPERLINK(A1)';
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/** A CSV field as the partner's spreadsheet quotes it. */
const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

function readBack(text: string | Buffer): string[][] {
  return parse(text, {
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
  }) as string[][];
}

describe('e2e: multi-line cells holding a formula, through rtm-batch nightly', () => {
  it('when a partner CSV quotes addresses, a name and an email over two lines with =HYPERLINK on the second, then the results file and issues.csv have one record per record and no live formula', async function () {
    this.timeout(120_000);
    const home = tempHome();
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    const address = `1 Main St\n${EVIL}`;
    const email = `bad\n${BARE}@x.example`;
    const name = `Evil Corp\r${BARE}`;
    const street = `5 Main St\r\n${BARE}`;
    const header =
      'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID';
    const row = (id: string, n: string, e: string, a: string) =>
      `${id},${n},${e},${a},Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}`;
    const text = [
      header,
      row('ml-1', 'Multi Line', 'a@ml.example', quoted(address)),
      row('ml-2', 'Bad Mail', quoted(email), '2 Main St'),
      row('ml-3', quoted(name), 'c@ml.example', '3 Main St'),
      row('ml-4', 'Plain', 'd@ml.example', quoted(street)),
      '',
    ].join('\r\n');
    const file = path.join(inbox, 'customers.csv');
    writeFileSync(file, text);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);

    const res = await runCli(['nightly', '--json'], { home });
    const summary = JSON.parse(res.stdout) as Summary;
    expect(validateSummary(summary), res.stderr).to.deep.equal([]);
    expect(summary.rows.total, res.stderr).to.equal(4);

    // The results file: the partner's five records, each cell as written, plus the four result cells.
    const results = readBack(
      readFileSync(path.join(home, 'outbox', 'acme', 'customers.csv.results.csv')),
    );
    const partner = readBack(text);
    expect(partner).to.have.length(5);
    expect(results).to.have.length(5);
    expect(results.map((r) => r.slice(0, 10))).to.deep.equal(partner);
    expect(results.map((r) => r.length)).to.deep.equal([14, 14, 14, 14, 14]);
    expect(results.map((r) => r[3])).to.deep.equal([
      'Address line 1',
      address,
      '2 Main St',
      '3 Main St',
      street,
    ]);

    // issues.csv: one record per issue the summary counts, the hostile value kept whole.
    const issues = readBack(readFileSync(path.join(summary.reportDir, 'issues.csv')));
    const counted = Object.values(summary.issueCounts).reduce((a, b) => a + b, 0);
    expect(counted).to.be.greaterThan(0);
    expect(issues).to.have.length(counted + 1);
    expect(issues.map((r) => r.length)).to.deep.equal(issues.map(() => 8));
    expect(issues.map((r) => r[5])).to.include(email);
    for (const record of [...results, ...issues])
      for (const cell of record) expect(cell, JSON.stringify(cell)).not.to.match(FORMULA_START);
  });
});
