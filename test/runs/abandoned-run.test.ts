import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';

const CUSTOMERS =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\n' +
  'ab-1,Abandoned Co,it@ab1.example,1 Main Street,Austin,TX,78701,US,webex_meetings,P1\n' +
  'ab-2,Abandoned Two,it@ab2.example,2 Main Street,Austin,TX,78701,US,webex_meetings,P1\n';

describe('runs: a run killed while it writes its reports (issue 16, case 13)', () => {
  it('when the next run starts, then the killed run is marked abandoned, its leftovers removed, its committed file reported, and the run ends attention', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    writeFileSync(path.join(inbox, 'customers.csv'), CUSTOMERS);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(inbox, 'customers.csv'), old, old);

    // kill -9 once the second report file is written whole and not yet renamed into place.
    const killed = await new Promise<NodeJS.Signals | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(REPO_ROOT, 'bin', 'rtm-batch.js'), 'import'],
        {
          env: {
            ...process.env,
            RTM_HOME: home,
            DATABASE_URL: '',
            RTM_TEST_HOOKS: '1',
            RTM_CRASH_AT: 'report-written:2',
          },
          cwd: home,
          stdio: 'ignore',
        },
      );
      child.on('exit', (_code, signal) => resolve(signal));
    });
    expect(killed).to.equal('SIGKILL');
    const [deadRun] = readdirSync(path.join(home, 'reports'));
    const deadDir = path.join(home, 'reports', deadRun as string);
    expect(readdirSync(deadDir).some((n) => n.endsWith('.tmp'))).to.equal(true);
    const before = await runCli(['status'], { home });
    expect(before.stdout).to.match(new RegExp(`${deadRun}\\s+running`));

    const next = await runCli(['import', '--json'], { home });
    const s = JSON.parse(next.stdout) as Summary;
    expect(validateSummary(s)).to.deep.equal([]);
    expect(next.code, next.stderr).to.equal(1);
    expect(s.status).to.equal('attention');
    expect(s.attention.map((a) => a.kind)).to.deep.equal(['run_abandoned']);
    expect(s.attention[0]?.message).to.include(deadRun as string);

    const after = await runCli(['status'], { home });
    expect(after.stdout).to.match(new RegExp(`${deadRun}\\s+abandoned`));
    // Its report, written from the ledger: the file it committed, its rows; no leftovers.
    expect(readdirSync(deadDir).filter((n) => n.endsWith('.tmp'))).to.deep.equal([]);
    const dead = JSON.parse(readFileSync(path.join(deadDir, 'summary.json'), 'utf8')) as Summary;
    expect(validateSummary(dead)).to.deep.equal([]);
    expect(dead.status).to.equal('failed');
    expect(dead.error).to.match(/ended before it finished/);
    expect(dead.files.map((f) => [f.name, f.status, f.rows.accepted])).to.deep.equal([
      ['customers.csv', 'processed', 2],
    ]);
    const index = readFileSync(path.join(home, 'reports', 'index.html'), 'utf8');
    expect(index).to.include('Abandoned');
    expect(index).not.to.include('Running');
  });
});
