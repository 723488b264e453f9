import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { validateSummary } from '../../src/reports/index.ts';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, tempHome } from '../support/cli.ts';

describe('e2e: nightly on the demo workspace (what npm start does)', () => {
  it('when run twice, then the first creates every customer and user, and the second creates nothing new', async function () {
    this.timeout(120_000);
    const home = tempHome();
    const first = await runCli(['nightly', '--demo', '--json'], { home });
    expect(first.code, first.stderr).to.equal(0);
    const s1 = JSON.parse(first.stdout) as Summary;
    expect(validateSummary(s1)).to.deep.equal([]);
    expect(s1.files.map((f) => f.status)).to.deep.equal([
      'processed',
      'processed',
      'processed',
      'processed',
    ]);
    expect(s1.rows).to.deep.equal({ total: 13, accepted: 13, rejected: 0 });
    expect(s1.customers).to.include({ created: 5, failed: 0, pending: 0 });
    expect(s1.subscribers).to.include({ created: 8, failed: 0, pending: 0 });
    for (const f of ['summary.json', 'report.html', 'report.xlsx', 'issues.csv']) {
      expect(existsSync(path.join(s1.reportDir, f)), f).to.equal(true);
    }
    expect(
      validateSummary(JSON.parse(readFileSync(path.join(s1.reportDir, 'summary.json'), 'utf8'))),
    ).to.deep.equal([]);
    expect(readdirSync(path.join(home, 'archive', 'sakura'))).to.have.length(2);

    const second = await runCli(['nightly', '--demo', '--json'], { home });
    expect(second.code, second.stderr).to.equal(0);
    const s2 = JSON.parse(second.stdout) as Summary;
    expect(validateSummary(s2)).to.deep.equal([]);
    expect(s2.files.map((f) => f.status)).to.deep.equal([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(s2.customers).to.deep.equal({
      created: 0,
      updated: 0,
      unchanged: 5,
      deleted: 0,
      failed: 0,
      pending: 0,
    });
    expect(s2.subscribers).to.deep.equal({
      created: 0,
      updated: 0,
      unchanged: 8,
      deleted: 0,
      failed: 0,
      pending: 0,
    });
    const state = JSON.parse(
      readFileSync(path.join(home, 'var', 'simulator', 'state.json'), 'utf8'),
    ) as { customers: unknown[]; subscribers: unknown[] };
    expect(state.customers).to.have.length(5);
    expect(state.subscribers).to.have.length(8);
    expect(readFileSync(path.join(home, 'reports', 'index.html'), 'utf8')).to.contain(s2.runId);
  });

  it('when a sheet has bad rows and a file is broken, then exit 1, each bad row and file is reported, and the rest is provisioned', async function () {
    this.timeout(60_000);
    const home = tempHome();
    const { mkdirSync, writeFileSync, utimesSync } = await import('node:fs');
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    const drop = (name: string, text: string | Buffer) => {
      writeFileSync(path.join(inbox, name), text);
      utimesSync(path.join(inbox, name), old, old);
    };
    drop(
      'customers.csv',
      'External ID,Customer name,Primary email,Address line 1,City,Country,Packages,Provisioning ID\n' +
        'c-1,Good Co,a@good.example,1 Main St,Austin,US,webex_meetings,P1\n' +
        'c-2,Bad % Co,not-an-email,1 Main St,Austin,Brasil,webex_teleport,P1\n',
    );
    drop('broken.csv', 'External ID,Customer name\n"c-3,unclosed\n');
    drop('notes.xlsx', 'External ID,Customer name\n');
    const res = await runCli(['nightly', '--json'], { home });
    expect(res.code, res.stderr).to.equal(1);
    const s = JSON.parse(res.stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(s.rows).to.deep.equal({ total: 2, accepted: 1, rejected: 1 });
    expect(s.customers.created).to.equal(1);
    expect(s.issueCounts).to.include({
      INVALID_NAME_CHAR: 1,
      INVALID_EMAIL: 1,
      INVALID_COUNTRY: 1,
      UNKNOWN_PACKAGE: 1,
      FILE_MALFORMED: 1,
      FILE_FORMAT: 1,
    });
    const quarantined = readdirSync(path.join(home, 'quarantine', 'acme'));
    expect(quarantined.filter((n) => n.endsWith('.reason.txt'))).to.have.length(2);
    const results = readFileSync(
      path.join(home, 'outbox', 'acme', 'customers.csv.results.csv'),
      'utf8',
    ).split('\r\n');
    expect(results[0]).to.equal(
      'External ID,Customer name,Primary email,Address line 1,City,Country,Packages,Provisioning ID,result,code,message,webex_id',
    );
    expect(results[1]).to.match(/^c-1,Good Co,.*,created,,,\S+$/);
    expect(results[2]).to.match(
      /^c-2,Bad % Co,.*,rejected,INVALID_NAME_CHAR; INVALID_EMAIL; INVALID_COUNTRY; UNKNOWN_PACKAGE,"row 3, column Customer name: /,
    );
    const issues = readFileSync(path.join(s.reportDir, 'issues.csv'), 'utf8');
    // CSV doubles the quotes inside a quoted field
    expect(issues).to.contain(
      'acme,customers.csv,,3,Country,Brasil,INVALID_COUNTRY,"row 3, column Country: ""Brasil"" is not an ISO 3166 two-letter country code.',
    );
  });
});
