import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importForRun, runImport } from '../../src/ingest/index.ts';
import { newTally } from '../../src/runs/index.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { customersCsv } from '../support/sheets.ts';

function dropInto(home: string, partner: string, name: string, text: string): void {
  const dir = path.join(home, 'inbox', partner);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), text);
  const old = new Date(Date.now() - 3600_000);
  utimesSync(path.join(dir, name), old, old);
}

// Issue 18, "the shape": runImport returns what it did instead of writing into the run's tally.
for (const backend of backends()) {
  describe(`ingest: what an import returns (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => t.close());

    it('when files are imported, then runImport returns their files, rows, issues and notes and leaves the run tally alone', async () => {
      const config = testConfig({ inbox: { stableSeconds: 0 } });
      dropInto(config.home, 'acme', 'customers.csv', customersCsv('ir', 3));
      dropInto(config.home, 'acme', 'broken.csv', 'not a sheet at all\n');
      mkdirSync(path.join(config.home, 'inbox', 'bad name!'), { recursive: true });
      const ctx = await testRunContext(t.db, config);

      const report = await runImport(ctx);

      expect(report.files.map((f) => [f.name, f.status])).to.have.deep.members([
        ['customers.csv', 'processed'],
        ['broken.csv', 'quarantined'],
      ]);
      expect(report.rows).to.deep.equal({ total: 3, accepted: 3, rejected: 0 });
      expect(report.notes.join(' ')).to.match(/bad name! is not a partner folder/);
      expect(report.desired).to.deep.equal({ customers: [], subscribers: [] });
      expect(ctx.tally).to.deep.equal(newTally());
    });

    it('when a stop comes right after the files were claimed, then they are back in the inbox when the import returns, unread and counted as unread (soak seed 28, night 2)', async () => {
      const config = testConfig({ inbox: { stableSeconds: 0 } });
      dropInto(config.home, 'acme', 'customers.csv', customersCsv('st', 2));
      dropInto(config.home, 'acme', 'more.csv', customersCsv('su', 1));
      const claimFolder = path.join(config.home, 'inbox', 'acme', '.rtm-claims');
      const run = await testRunContext(t.db, config);
      // The stop arrives the moment a file sits in the claim folder: a SIGTERM between claim and read.
      let stopped = false;
      const stoppedOnceClaimed = {
        get aborted() {
          stopped ||= existsSync(claimFolder) && readdirSync(claimFolder).length > 0;
          return stopped;
        },
        reason: new Error('signal'),
        addEventListener() {},
        removeEventListener() {},
      } as unknown as AbortSignal;

      const report = await runImport({ ...run, signal: stoppedOnceClaimed });

      expect(readdirSync(claimFolder)).to.deep.equal([]);
      expect(readdirSync(path.join(config.home, 'inbox', 'acme')).sort()).to.deep.equal([
        '.rtm-claims',
        'customers.csv',
        'more.csv',
      ]);
      expect(report.files).to.deep.equal([]);
      expect(report.attention.map((a) => [a.kind, a.partner, a.count])).to.deep.equal([
        ['files_unread', 'acme', 2],
      ]);
    });

    it("when the ledger refuses the second partner's file, then the run still counts the first partner's file, fails with the ledger's own error, and the ledger is free again", async () => {
      const config = testConfig({ inbox: { stableSeconds: 0 } });
      dropInto(config.home, 'aaa', 'customers.csv', customersCsv('ok', 2));
      dropInto(config.home, 'bbb', 'customers.csv', customersCsv('ko', 2));
      // The ledger refuses to record bbb's file, as a full disk would.
      if (backend === 'sqlite')
        await t.db.raw(
          `CREATE TRIGGER refuse_bbb BEFORE INSERT ON files WHEN NEW.partner_id = 'bbb'
           BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
        );
      else {
        await t.db.raw(
          `CREATE FUNCTION refuse_bbb() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN IF NEW.partner_id = 'bbb' THEN RAISE EXCEPTION 'disk I/O error'; END IF; RETURN NEW; END $$`,
        );
        await t.db.raw(
          'CREATE TRIGGER refuse_bbb BEFORE INSERT ON files FOR EACH ROW EXECUTE FUNCTION refuse_bbb()',
        );
      }
      const ctx = await testRunContext(t.db, config);

      const failed = await importForRun(ctx).then(
        () => null,
        (err: unknown) => err as Error,
      );

      expect(failed?.message).to.match(/disk I\/O error/);
      expect(ctx.tally.files.map((f) => [f.name, f.status])).to.deep.equal([
        ['customers.csv', 'processed'],
      ]);
      expect(ctx.tally.rows).to.deep.equal({ total: 2, accepted: 2, rejected: 0 });
      // The file's transaction was rolled back: the ledger's connection is free for the run's end.
      const probe = await Promise.race([
        t.db.raw('select 1').then(() => 'free'),
        new Promise((r) => setTimeout(() => r('held'), 3000)),
      ]);
      expect(probe).to.equal('free');
    });
  });
}
