import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';

describe('cli: one run at a time', () => {
  it('when two nightly runs start together, then one works and the other exits 75 and changes nothing', async function () {
    this.timeout(90_000);
    const home = tempHome();
    // stableSeconds 0 and a slower simulator keep the first run busy while the second starts.
    writeConfig(home, { inbox: { stableSeconds: 0 }, simulator: { provisioningSeconds: 2 } });
    const [a, b] = await Promise.all([
      runCli(['nightly', '--demo', '--json'], { home }),
      runCli(['nightly', '--demo', '--json'], { home }),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes, `${a.stderr}\n${b.stderr}`).to.deep.equal([0, 75]);
    const loser = a.code === 75 ? a : b;
    const winner = a.code === 75 ? b : a;
    expect(loser.stderr).to.match(
      /another run \(id \S+-nightly-[0-9a-f]+\) holds the lock since \d{4}-/,
    );
    expect(JSON.parse(loser.stdout)).to.include({ exitCode: 75, status: 'failed' });
    const summary = JSON.parse(winner.stdout) as { runId: string; customers: { created: number } };
    expect(summary.customers.created).to.equal(5);

    const db = knexFactory({
      client: 'sqlite3',
      connection: { filename: path.join(home, 'var', 'rtm-batch.sqlite') },
      useNullAsDefault: true,
    });
    try {
      const runs = (await db('runs').select('id')) as { id: string }[];
      expect(runs.map((r) => r.id)).to.deep.equal([summary.runId]);
      expect(await db('leases').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    } finally {
      await db.destroy();
    }
    const state = JSON.parse(
      readFileSync(path.join(home, 'var', 'simulator', 'state.json'), 'utf8'),
    ) as { customers: unknown[] };
    expect(state.customers).to.have.length(5);
    // the loser dropped no demo sheets: the inbox holds nothing the winner did not take
    expect(
      readdirSync(path.join(home, 'inbox', 'acme')).filter((n) => !n.startsWith('.')),
    ).to.deep.equal([]);
  });

  it('when the holder is inside a long SQLite write (a large file) and cannot renew, then a second run still exits 75, not 3', async function () {
    this.timeout(90_000);
    const home = tempHome();
    // Create the workspace, then the database and its tables with a first, quick run.
    expect((await runCli(['init'], { home })).code).to.equal(0);
    const first = await runCli(['status'], { home });
    expect(first.code, first.stderr).to.equal(0);
    const db = knexFactory({
      client: 'sqlite3',
      connection: { filename: path.join(home, 'var', 'rtm-batch.sqlite') },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    });
    try {
      // A run of this process holds the lease (this pid is alive), expired as a run's would be
      // after a long transaction, and holds SQLite's write lock meanwhile.
      await db('leases').insert({
        name: 'pipeline',
        owner: 'big-import',
        host: os.hostname(),
        pid: process.pid,
        acquired_at: '2026-11-24T00:00:00.000Z',
        renewed_at: '2026-11-24T00:00:00.000Z',
        expires_at: '2026-11-24T00:02:00.000Z',
      });
      await db.raw('BEGIN IMMEDIATE');
      const second = await runCli(['import', '--json'], { home });
      await db.raw('ROLLBACK');
      expect(second.code, second.stderr).to.equal(75);
      expect(second.stderr).to.match(/another run \(id big-import\) holds the lock/);
    } finally {
      await db.destroy();
    }
  });
});
