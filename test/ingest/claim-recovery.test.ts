// Issue #16, case 3: a file a killed run had claimed must come back, even when the partner has
// uploaded a new file under the same name meanwhile (daily exports reuse one name), and whatever
// else is found in the claim folder is put back or reported, never left there unread.
import { expect } from 'chai';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLAIM_DIR } from '../../src/ingest/pickup.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, startCli, tempHome, writeConfig } from '../support/cli.ts';
import { backends, cliLedger } from '../support/db.ts';
import { customersCsv as customers, dropFile as drop, listing } from '../support/sheets.ts';

async function until(done: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const backend of backends()) {
  describe(`ingest: a claimed file and a new upload under its name (issue 16, case 3, ${backend})`, function () {
    this.timeout(180_000);

    it('when a run is killed -9 mid-import and the partner uploads customers.csv again, then the next run puts the claimed file back under a made name, imports both and says so', async () => {
      const home = tempHome();
      const ledger = await cliLedger(backend, home);
      try {
        writeConfig(home, { inbox: { stableSeconds: 0 } });
        const inbox = path.join(home, 'inbox', 'acme');
        const outbox = path.join(home, 'outbox', 'acme');
        drop(inbox, 'customers.csv', customers('old', 30_000));

        // The results file is written as the rows are read: while its temporary file exists, the
        // file's transaction is open. Kill the run then, as an operator's kill -9 or the OOM killer.
        const child = startCli(['import'], { home, env: ledger.env });
        const exited = once(child, 'exit');
        await until(
          () => listing(outbox).some((n) => n.endsWith('.tmp')),
          'the import to start writing results',
        );
        child.kill('SIGKILL');
        const [, signal] = (await exited) as [number | null, string | null];
        expect(signal).to.equal('SIGKILL');
        const claims = path.join(inbox, CLAIM_DIR);
        expect(listing(claims)).to.have.length(2); // the claimed file and its sidecar
        expect(listing(inbox)).to.deep.equal([CLAIM_DIR]);

        // The partner's next daily export arrives under the same name.
        drop(inbox, 'customers.csv', customers('new', 3));
        const res = await runCli(['import', '--json'], { home, env: ledger.env });
        expect(res.code, res.stderr).to.equal(1);
        const s = JSON.parse(res.stdout) as Summary;
        expect(validateSummary(s)).to.deep.equal([]);
        expect(s.status).to.equal('attention');
        const files = s.files.map((f) => [f.name, f.status, f.rows.total]);
        expect(files).to.have.length(2);
        const recovered = s.files[0]?.name as string;
        expect(recovered).to.match(/^customers \(recovered \d{8}T\d{6}Z\)\.csv$/);
        // The older file first, so the new export's rows are the ones that stand.
        expect(files).to.deep.equal([
          [recovered, 'processed', 30_000],
          ['customers.csv', 'processed', 3],
        ]);
        // The killed run is found abandoned, and the renamed claim is said.
        expect(s.attention.map((a) => a.kind).sort()).to.deep.equal([
          'claim_renamed',
          'run_abandoned',
        ]);
        const renamed = s.attention.find((a) => a.kind === 'claim_renamed');
        expect(renamed).to.include({ partner: 'acme', count: 1 });
        expect(renamed?.message).to.contain('"customers.csv"');
        expect(renamed?.message).to.contain(JSON.stringify(recovered));

        expect(listing(claims)).to.deep.equal([]);
        expect(listing(inbox)).to.deep.equal([CLAIM_DIR]);
        expect(listing(outbox)).to.deep.equal(
          [`${recovered}.results.csv`, 'customers.csv.results.csv'].sort(),
        );
        const oldResults = readFileSync(path.join(outbox, `${recovered}.results.csv`), 'utf8');
        expect(oldResults.trim().split('\n')).to.have.length(30_001);
        const db = ledger.open();
        const rows = (await db('customers').select('external_id')) as { external_id: string }[];
        expect(rows.filter((r) => r.external_id.startsWith('old-'))).to.have.length(30_000);
        expect(rows.filter((r) => r.external_id.startsWith('new-'))).to.have.length(3);
      } finally {
        await ledger.close();
      }
    });
  });
}

describe('ingest: what a crashed run left in the claim folder (issue 16, cases 3 and 9)', function () {
  this.timeout(60_000);

  /** A workspace where partner aaa's claim folder holds `claimed` and `sidecar`, and zzz has a file. */
  function leftovers(sidecar: string | null): { home: string; inbox: string } {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const inbox = path.join(home, 'inbox', 'aaa');
    const claims = path.join(inbox, CLAIM_DIR);
    mkdirSync(claims, { recursive: true });
    writeFileSync(
      path.join(claims, '20261101T010000Z-import-abcdef-0001.csv'),
      customers('aaa', 2),
    );
    if (sidecar !== null)
      writeFileSync(
        path.join(claims, '20261101T010000Z-import-abcdef-0001.csv.claim.json'),
        sidecar,
      );
    drop(path.join(home, 'inbox', 'zzz'), 'customers.csv', customers('zzz', 2));
    return { home, inbox };
  }

  const cases: [string, string | null][] = [
    ['no sidecar (what the old recovery left after deleting it)', null],
    ['a sidecar that is not JSON', 'not json'],
    ['a sidecar holding an array', '[]'],
    ['a sidecar whose name is a number', '{"name": 5}'],
    ['a sidecar whose name holds a /', '{"name": "sub/customers.csv"}'],
    ['a sidecar whose name climbs out', '{"name": "../zzz/customers.csv"}'],
  ];
  for (const [what, sidecar] of cases) {
    it(`when a claimed file has ${what}, then it is put back under a made name and imported, the run says so, and the other partner is imported too`, async () => {
      const { home, inbox } = leftovers(sidecar);
      const res = await runCli(['import', '--json'], { home });
      expect(res.code, res.stderr).to.equal(1);
      const s = JSON.parse(res.stdout) as Summary;
      expect(validateSummary(s)).to.deep.equal([]);
      expect(s.files.map((f) => [f.partner, f.status, f.rows.total])).to.deep.equal([
        ['aaa', 'processed', 2],
        ['zzz', 'processed', 2],
      ]);
      const made = s.files[0]?.name as string;
      expect(made).to.match(
        /^20261101T010000Z-import-abcdef-0001 \(recovered \d{8}T\d{6}Z\)\.csv$/,
      );
      expect(s.attention.map((a) => [a.kind, a.partner])).to.deep.equal([['claim_renamed', 'aaa']]);
      expect(s.attention[0]?.message).to.contain(JSON.stringify(made));
      expect(listing(path.join(inbox, CLAIM_DIR))).to.deep.equal([]);
      expect(listing(path.join(home, 'inbox', 'zzz'))).to.deep.equal([CLAIM_DIR]);
    });
  }
});
