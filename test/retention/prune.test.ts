import { expect } from 'chai';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import type { Db } from '../../src/store/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { backends, cliLedger, type CliLedger } from '../support/db.ts';

const DAY = 24 * 3600 * 1000;
const HEAD =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\n';
const customer = (id: string, name: string, city: string) =>
  `${id},${name},a@${id}.example,1 Main St,${city},TX,78701,US,webex_meetings,P1\n`;

/** Every entry under a folder, links as links (never followed). */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();
}

/**
 * What the ledger holds that a prune must never touch: every customer's and user's current state
 * (desired, where it came from, what Webex accepted), the open changes and the RPL checks. The
 * nightly that prunes also looks at Webex, so when it last looked is left out.
 */
async function currentState(db: Db) {
  const state = ['id', 'desired', 'desired_hash', 'desired_action', 'source_row_id', 'webex_id'];
  return {
    customers: await db('customers')
      .orderBy('id')
      .select(...state, 'external_id'),
    subscribers: await db('subscribers')
      .orderBy('id')
      .select(...state, 'email'),
    openChanges: await db('changes')
      .whereIn('status', ['pending', 'in_flight', 'unknown', 'awaiting'])
      .orderBy('id')
      .select('id', 'source_row_id', 'idempotency_key'),
    rplChecks: await db('rpl_checks').orderBy('id').select('id', 'customer_id', 'closed_at'),
  };
}

async function counts(db: Db) {
  const n = async (table: string) =>
    Number(((await db(table).count({ n: '*' })) as { n: number | string }[])[0]?.n);
  return {
    runs: await n('runs'),
    files: await n('files'),
    rows: await n('row_outcomes'),
    issues: await n('row_issues'),
  };
}

for (const backend of backends())
  describe(`retention: nightly and rtm-batch prune (issue 19, item 3; ${backend})`, () => {
    let ledger: CliLedger;
    let home: string;
    after(async () => ledger?.close());

    it('when files, reports, results and runs are older than retention.days, then what nothing needs goes, and the file still under RPL review keeps its archived copy and is rewritten when the review clears', async function () {
      this.timeout(300_000);
      home = tempHome('rtm-retention-');
      ledger = await cliLedger(backend, home);
      const config = (rplMatch: string | null, days: number | null) => ({
        inbox: { stableSeconds: 0 },
        simulator: { rplMatch },
        webex: { waitForProvisionedSeconds: 5 },
        retention: {
          days: { reports: days, archive: days, quarantine: days, outbox: days, ledger: days },
        },
      });
      writeConfig(home, config('^Blocked', 30));
      const inbox = path.join(home, 'inbox', 'acme');
      mkdirSync(inbox, { recursive: true });
      const drop = (name: string, text: string) => writeFileSync(path.join(inbox, name), text);
      // The program's clock runs ahead of the files' change times (the real clock), which only
      // the system can set: every file written now is as old as the program's clock says.
      const t0 = Math.ceil((Date.now() + DAY) / DAY) * DAY;
      const at = (days: number) => new Date(t0 + days * DAY).toISOString();
      const cli = (args: string[], days: number) =>
        runCli(args, { home, env: { ...ledger.env, RTM_NOW: at(days) } });
      const ok = async (args: string[], days: number) => {
        const r = await cli(args, days);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.be.oneOf([0, 1]);
        return r;
      };

      // Day 0: a.csv brings a customer whose RPL review stays open, and one that clears.
      drop(
        'a.csv',
        HEAD + customer('c-blk', 'Blocked Co', 'Austin') + customer('c-ok', 'Good Co', 'Austin'),
      );
      await ok(['nightly'], 0);
      // Day 1: b.csv changes c-ok; a file we do not read is quarantined; two rpl-rechecks and a
      // nightly with nothing to read are run history no file refers to.
      drop('b.csv', HEAD + customer('c-ok', 'Good Co', 'Dallas'));
      drop('old.xls', 'not a workbook we read');
      await ok(['nightly'], 1);
      await ok(['rpl-recheck'], 1.1);
      await ok(['rpl-recheck'], 1.2);
      await ok(['nightly'], 1.3);
      // Day 2: c.csv changes c-ok again: b.csv's row is nobody's current state any more.
      drop('c.csv', HEAD + customer('c-ok', 'Good Co', 'Houston'));
      await ok(['nightly'], 2);

      const db = ledger.open();
      const file = async (name: string) =>
        (await db('files').where({ name, status: 'processed' }).first()) as {
          id: number;
          stored_path: string;
        };
      const [a, b, c] = [await file('a.csv'), await file('b.csv'), await file('c.csv')];
      const rowsOf = async (id: number) =>
        Number(
          (
            (await db('row_outcomes').where({ file_id: id }).count({ n: '*' })) as { n: string }[]
          )[0]?.n,
        );
      expect([await rowsOf(a.id), await rowsOf(b.id), await rowsOf(c.id)]).to.deep.equal([2, 1, 1]);
      // The quarantined file and the reason beside it.
      const quarantined = tree(path.join(home, 'quarantine', 'acme'));
      expect(quarantined).to.have.length(2);

      // Day 42 (prune day): what is 12 days old is kept, links are never followed nor removed.
      const prunedAt = 42;
      const young = new Date(t0 + (prunedAt - 12) * DAY);
      const youngReport = path.join(home, 'reports', '20991231T000000Z-nightly-0a0b0c');
      mkdirSync(youngReport);
      writeFileSync(path.join(youngReport, 'report.html'), 'young');
      utimesSync(youngReport, young, young);
      const youngQuarantined = path.join(home, 'quarantine', 'acme', 'young.xls');
      writeFileSync(youngQuarantined, 'young');
      utimesSync(youngQuarantined, young, young);
      const outside = path.join(tempHome('rtm-outside-'), 'keep');
      mkdirSync(outside);
      writeFileSync(path.join(outside, 'precious.txt'), 'not ours');
      const ancient = new Date(t0 - 400 * DAY);
      utimesSync(path.join(outside, 'precious.txt'), ancient, ancient);
      utimesSync(outside, ancient, ancient);
      const links = [
        [outside, path.join(home, 'reports', '20000101T000000Z-nightly-abcdef')],
        [path.join(outside, 'precious.txt'), path.join(home, 'quarantine', 'acme', 'link.xls')],
        [
          path.join(outside, 'precious.txt'),
          path.join(home, 'outbox', 'acme', 'x.csv.results.csv'),
        ],
      ] as const;
      for (const [target, link] of links) symlinkSync(target, link);

      const stateBefore = await currentState(db);
      const countsBefore = await counts(db);
      const disk = () =>
        ['reports', 'archive', 'quarantine', 'outbox'].map((d) => tree(path.join(home, d)));
      const diskBefore = disk();

      // A dry run says what would go and removes nothing.
      const dry = await cli(['prune', '--dry-run', '--json'], prunedAt);
      expect(dry.code, dry.stderr).to.equal(0);
      const would = JSON.parse(dry.stdout) as Record<string, number>;
      expect(would).to.deep.include({
        dryRun: true,
        archive: 1,
        quarantine: 2,
        rows: 1,
        leftAlone: 3,
      });
      // Report folders of the six runs, the three results files; one rpl-recheck and the idle nightly.
      expect(would).to.deep.include({ reports: 6, outbox: 3, runs: 2 });
      expect(disk()).to.deep.equal(diskBefore);
      expect(await counts(db)).to.deep.equal(countsBefore);

      // The nightly prunes last and says so in its summary.
      const night = await ok(['nightly', '--json'], prunedAt);
      const summary = JSON.parse(night.stdout) as Summary;
      expect(validateSummary(summary)).to.deep.equal([]);
      expect(summary.notes).to.include(
        'retention: pruned 6 report folder(s), 1 archived file(s), 2 quarantined file(s), 3 results file(s), 1 row outcome(s), 2 run(s). 3 link(s) or other entries that rtm-batch did not write were left alone.',
      );

      // Old: gone. b.csv's archived copy and rows; its record stays (a resend is a duplicate).
      expect(existsSync(path.join(home, b.stored_path))).to.equal(false);
      expect(await rowsOf(b.id)).to.equal(0);
      expect(await db('files').where({ id: b.id }).first()).to.include({ name: 'b.csv' });
      expect(tree(path.join(home, 'quarantine', 'acme'))).to.deep.equal(['link.xls', 'young.xls']);
      expect(tree(path.join(home, 'outbox', 'acme'))).to.deep.equal(['x.csv.results.csv']);
      expect((await counts(db)).runs).to.equal(countsBefore.runs + 1 - 2);
      // Young, current or pending: kept. a.csv holds c-blk, still under review; c.csv is c-ok's.
      expect(existsSync(path.join(home, a.stored_path))).to.equal(true);
      expect(existsSync(path.join(home, c.stored_path))).to.equal(true);
      expect([await rowsOf(a.id), await rowsOf(c.id)]).to.deep.equal([2, 1]);
      expect(existsSync(path.join(youngReport, 'report.html'))).to.equal(true);
      expect(existsSync(youngQuarantined)).to.equal(true);
      // Links: still there, never followed; what they point to is untouched.
      for (const [, link] of links) expect(lstatSync(link).isSymbolicLink(), link).to.equal(true);
      expect(readFileSync(path.join(outside, 'precious.txt'), 'utf8')).to.equal('not ours');
      // Nobody's current state changed: customers, users, open changes, RPL checks.
      const stateAfter = await currentState(db);
      expect(stateAfter.customers).to.have.length(2);
      expect(stateAfter).to.deep.equal(stateBefore);

      // A prune after a prune removes nothing more.
      await ok(['prune'], prunedAt);
      const second = await cli(['prune', '--json'], prunedAt);
      expect(second.code, second.stderr).to.equal(0);
      expect(JSON.parse(second.stdout)).to.deep.equal({
        dryRun: false,
        reports: 0,
        archive: 0,
        quarantine: 0,
        outbox: 0,
        rows: 0,
        runs: 0,
        fires: 0,
        leftAlone: 3,
      });

      // Day 61: the review clears; a.csv's results are written again from its archived copy,
      // every row with its result (c-ok's superseded row included).
      // (Retention off from here: a file this run writes is as old as the real clock, which
      // lags 61 days behind the program's, and would go at the end of the run that wrote it.)
      writeConfig(home, config(null, null));
      await ok(['nightly'], 61);
      const results = readFileSync(path.join(home, 'outbox', 'acme', 'a.csv.results.csv'), 'utf8');
      const lines = results.trim().split(/\r?\n/);
      expect(lines).to.have.length(3);
      expect(lines.find((l) => l.startsWith('c-blk,'))).to.match(/,created,/);
      expect(lines.find((l) => l.startsWith('c-ok,'))).to.match(/,(created|updated),/);

      // b.csv sent again: still known, a duplicate, not staged over c-ok's current state.
      drop('b.csv', HEAD + customer('c-ok', 'Good Co', 'Dallas'));
      const resend = JSON.parse((await ok(['nightly', '--json'], 62)).stdout) as Summary;
      expect(resend.files.map((f) => [f.name, f.status])).to.deep.equal([['b.csv', 'duplicate']]);
    });
  });
