import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';
import { customersCsv, dropFile } from '../support/sheets.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

describe('cli: backup (issue 19, item 3)', () => {
  it('when an import is writing the ledger, then backup writes a consistent copy without waiting for it and the import goes on', async function () {
    this.timeout(180_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    expect((await runCli(['nightly', '--demo'], { home })).code).to.be.oneOf([0, 1]);
    const inbox = path.join(home, 'inbox', 'acme');
    dropFile(inbox, 'big.csv', customersCsv('big', 100_000));
    const child = spawn(process.execPath, [BIN, 'import'], {
      env: { ...process.env, RTM_HOME: home, DATABASE_URL: '' },
      stdio: 'ignore',
    });
    const ended = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const claims = path.join(inbox, '.rtm-claims');
    while (!(existsSync(claims) && readdirSync(claims).length > 0) && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    expect(child.exitCode, 'the import was still running').to.equal(null);

    const out = path.join(home, 'ledger-copy.sqlite');
    const started = Date.now();
    const backup = await runCli(['backup', '--out', out], { home });
    expect(backup.code, backup.stderr).to.equal(0);
    expect(child.exitCode, 'the backup did not wait for the import').to.equal(null);
    expect(Date.now() - started).to.be.below(15_000);
    expect(backup.stdout.trim()).to.equal(out);

    const copy = knexFactory({
      client: 'sqlite3',
      connection: { filename: out },
      useNullAsDefault: true,
    });
    try {
      expect(await copy.raw('PRAGMA integrity_check')).to.deep.equal([{ integrity_check: 'ok' }]);
      expect((await copy('knex_migrations').select('name')).length).to.be.at.least(4);
      // The demo's customers, committed before the backup, are in the copy.
      const [row] = (await copy('customers').count({ n: '*' })) as { n: number }[];
      expect(row?.n).to.be.at.least(3);
    } finally {
      await copy.destroy();
    }
    expect(await ended).to.equal(0);
  });

  it('when the file exists or its folder does not, then backup is a usage error (exit 2) and writes nothing', async function () {
    this.timeout(60_000);
    const home = tempHome();
    writeConfig(home, {});
    expect((await runCli(['status'], { home })).code).to.equal(0);
    const there = path.join(home, 'there.sqlite');
    writeFileSync(there, 'keep me');
    const exists = await runCli(['backup', '--out', there], { home });
    expect(exists.code).to.equal(2);
    expect(exists.stderr).to.contain('the file exists');
    const nowhere = await runCli(['backup', '--out', path.join(home, 'no', 'x.sqlite')], { home });
    expect(nowhere.code).to.equal(2);
    expect(nowhere.stderr).to.contain('does not exist');
  });

  it('when the ledger is on PostgreSQL, then backup says to use pg_dump (exit 2)', async function () {
    this.timeout(30_000);
    const home = tempHome();
    writeConfig(home, {
      database: { client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' },
    });
    const run = await runCli(['backup', '--out', path.join(home, 'x.sqlite')], { home });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('pg_dump');
  });
});
