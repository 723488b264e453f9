import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/store/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

describe('cli: rtm-batch prune on its own (issue 19, item 3)', () => {
  it('when retention is not configured, then prune says it is off and removes nothing', async function () {
    this.timeout(60_000);
    const home = path.join(tempHome(), 'rtm');
    expect((await runCli(['init', '--home', home])).code).to.equal(0);
    const run = await runCli(['prune'], { home });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('retention is off (config retention.days): nothing is pruned\n');
    const withPartner = await runCli(['prune', '--partner', 'acme'], { home });
    expect(withPartner.code).to.equal(2);
    expect(withPartner.stderr).to.contain('prune works on the whole workspace');
  });

  it('when a run holds the lock, then prune exits 75 and touches nothing', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, { retention: { days: { reports: 1 } } });
    expect((await runCli(['status'], { home })).code).to.equal(0); // makes the ledger
    const db = openDb({
      client: 'sqlite3',
      connection: path.join(home, 'var', 'rtm-batch.sqlite'),
    });
    try {
      const now = new Date();
      await db('leases').insert({
        name: 'pipeline',
        owner: 'a-running-nightly',
        host: os.hostname(),
        pid: process.pid, // alive: this test's own process
        acquired_at: now.toISOString(),
        renewed_at: now.toISOString(),
        expires_at: new Date(now.getTime() + 3600_000).toISOString(),
      });
      const run = await runCli(['prune'], { home });
      expect(run.code, run.stderr).to.equal(75);
      expect(run.stderr).to.contain('a-running-nightly').and.contain('nothing was done');
      expect(await db('leases').pluck('owner')).to.deep.equal(['a-running-nightly']);
    } finally {
      await db.destroy();
    }
  });
});
