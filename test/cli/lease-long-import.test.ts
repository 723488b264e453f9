import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/index.ts';
import type { Summary } from '../../src/reports/index.ts';
import { openDb, type Db } from '../../src/store/index.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { customersCsv, dropFile } from '../support/sheets.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

/** A workspace with a big customers file and a 5 s lease, on the backend's database. */
function bigImport(rows: number, database: DatabaseConfig | null): { home: string; inbox: string } {
  const home = tempHome();
  writeConfig(home, {
    inbox: { stableSeconds: 0 },
    lock: { leaseSeconds: 5 },
    ...(database ? { database } : {}),
  });
  const inbox = path.join(home, 'inbox', 'acme');
  dropFile(inbox, 'customers.csv', customersCsv('long', rows));
  return { home, inbox };
}

/** Starts `import --json` in its own process; resolves once it has claimed the file, with its end. */
async function startImport(home: string, inbox: string) {
  const child = spawn(process.execPath, [BIN, 'import', '--json'], {
    env: { ...process.env, RTM_HOME: home, DATABASE_URL: '' },
    cwd: home,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  const claims = path.join(inbox, '.rtm-claims');
  while (!(existsSync(claims) && readdirSync(claims).length > 0) && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 20));
  return { done };
}

/** A PostgreSQL database of its own for the command (a fresh schema). */
function pgFor(t: TestDb): DatabaseConfig {
  const url = new URL(process.env.DATABASE_URL as string);
  url.searchParams.set('options', `-c search_path=${t.searchPath}`);
  return { client: 'pg', connection: url.toString() };
}

for (const backend of backends()) {
  describe(`runs: the lock during an import longer than its lease (issue 16, case 4; ${backend})`, () => {
    let pg: TestDb | null = null;
    afterEach(async () => {
      await pg?.close();
      pg = null;
    });

    it('when another command starts after the lease has lapsed, then it finds the lock held (75) and the import finishes alone', async function () {
      this.timeout(180_000);
      if (backend === 'pg') pg = await freshDb('pg');
      const { home, inbox } = bigImport(150_000, pg ? pgFor(pg) : null);
      const first = (await startImport(home, inbox)).done;
      // Past the 5 s lease while the file's transaction still runs.
      await new Promise((r) => setTimeout(r, 7_000));
      const recheck = await runCli(['rpl-recheck'], { home });
      const second = await runCli(['import'], { home });
      const done = await first;
      expect(recheck.code, recheck.stderr).to.equal(75);
      expect(second.code, second.stderr).to.equal(75);
      expect(done.code, done.stderr).to.equal(0);
      const summary = JSON.parse(done.stdout) as Summary;
      expect(summary.rows).to.deep.equal({ total: 150_000, accepted: 150_000, rejected: 0 });
      expect(readdirSync(path.join(home, 'archive', 'acme'))).to.have.length(1);
      expect(readdirSync(path.join(home, 'outbox', 'acme'))).to.deep.equal([
        'customers.csv.results.csv',
      ]);
      expect(readdirSync(inbox)).to.deep.equal(['.rtm-claims']);
    });
  });
}

if (backends().includes('pg'))
  describe('runs: a run whose lock is taken over (issue 16, case 4; pg)', () => {
    let pg: TestDb | null = null;
    let db: Db | null = null;
    afterEach(async () => {
      await db?.destroy();
      await pg?.close();
    });

    it('when another host takes the lock during an import, then the import commits nothing, touches no file, and exits 3; the holder then imports the file once', async function () {
      this.timeout(180_000);
      pg = await freshDb('pg');
      const database = pgFor(pg);
      db = openDb(database);
      const { home, inbox } = bigImport(60_000, database);
      const first = (await startImport(home, inbox)).done;
      // A run on another host takes the lock over (as after a lapse it could not see renewed).
      await new Promise((r) => setTimeout(r, 500));
      const taken = await db('leases')
        .where({ name: 'pipeline' })
        .update({
          owner: 'remote-run',
          host: 'elsewhere',
          pid: 1,
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        });
      expect(taken).to.equal(1);
      const done = await first;
      expect(done.code, done.stderr).to.equal(3);
      const summary = JSON.parse(done.stdout) as Summary;
      expect(summary.error).to.match(/lost its lock/);
      expect(await db('files').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
      expect(await db('customers').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
      // The claim is left for the run that holds the lock; no results file, nothing archived.
      expect(readdirSync(path.join(inbox, '.rtm-claims'))).to.have.length(2);
      expect(existsSync(path.join(home, 'archive', 'acme'))).to.equal(false);
      const outbox = path.join(home, 'outbox', 'acme');
      expect(existsSync(outbox) ? readdirSync(outbox) : []).to.deep.equal([]);
      expect((await db('leases').first('owner')) as { owner: string }).to.deep.equal({
        owner: 'remote-run',
      });

      // The other run ends; the next import puts the claim back and reads it once.
      await db('leases').where({ owner: 'remote-run' }).delete();
      const again = await runCli(['import', '--json'], { home });
      expect(again.code, again.stderr).to.equal(0);
      expect((JSON.parse(again.stdout) as Summary).rows.accepted).to.equal(60_000);
      expect(await db('files').count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    });
  });
