import { expect } from 'chai';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

describe('e2e: remote precheck (partner precheck: true) through the import', () => {
  it('when a new user row names an email Webex already holds, then /validate refuses it with PRECHECK_REJECTED in the results file, and the other new row is staged', async function () {
    this.timeout(180_000);
    const home = tempHome();
    writeConfig(home, { partners: { acme: { precheck: true } } });
    const first = await runCli(['nightly', '--demo', '--json'], { home });
    expect(first.code, first.stderr).to.equal(0);

    // dana.reed@ is a user of acme-001 in Webex now; a second customer cannot take that email.
    const file = path.join(home, 'inbox', 'acme', 'more-users.csv');
    writeFileSync(
      file,
      'Customer external ID,Email,First name,Last name,Package,Admin\r\n' +
        'acme-002,dana.reed@blueridgedental.example,Dana,Reed,webex_meetings,no\r\n' +
        'acme-002,new.person@lakeside-logistics.example,New,Person,webex_meetings,no\r\n',
    );
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(file, old, old);
    const run = await runCli(['import', '--json'], { home });
    expect(run.code, run.stderr).to.equal(1);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(validateSummary(summary)).to.deep.equal([]);
    expect(summary.rows).to.deep.equal({ total: 2, accepted: 1, rejected: 1 });
    expect(summary.issueCounts).to.include({ PRECHECK_REJECTED: 1 });

    const results = readFileSync(
      path.join(home, 'outbox', 'acme', 'more-users.csv.results.csv'),
      'utf8',
    ).split(/\r\n/);
    expect(results[1]).to.match(/rejected,PRECHECK_REJECTED,.*10022/);
    expect(results[2]).to.match(/,accepted,,/);
  });
});
