// Issue #16, case 5: a run killed after a file's rows were committed and before the file was
// archived. The rows are in the ledger; the next run must finish what the killed one started
// (archive the file, record where, write the partner's results file), not call it a duplicate.
import { expect } from 'chai';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { CLAIM_DIR } from '../../src/ingest/pickup.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { backends, cliLedger, type CliLedger } from '../support/db.ts';

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';
const TEXT =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\n' +
  `cc-1,Crash One,a@crash.example,1 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\n` +
  `cc-2,Crash Two,b@crash.example,2 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\n` +
  `cc-3,Crash Three,not-an-email,3 Main St,Austin,TX,78701,US,webex_meetings,${PROVISIONING_ID}\n`;

const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

interface FileRow {
  status: string;
  stored_path: string | null;
  rows_total: number;
}

async function fileRows(ledger: CliLedger): Promise<FileRow[]> {
  return (await ledger
    .open()('files')
    .orderBy('id')
    .select('status', 'stored_path', 'rows_total')) as FileRow[];
}

/** Where the import is killed, and what it leaves: files in the claim folder, in the archive. */
const POINTS = [
  { point: 'file-committed', what: 'after the commit, before the archive', claims: 2, archive: 0 },
  { point: 'file-archived', what: 'after the archive, before its record', claims: 0, archive: 1 },
];

for (const backend of backends())
  for (const { point, what, claims, archive } of POINTS) {
    describe(`ingest: a run killed between a file's commit and its archive (issue 16, case 5, ${backend})`, function () {
      this.timeout(120_000);

      it(`when the run dies ${what} (${point}), then the next run archives the file, records where, and the partner gets a results file with the provisioning outcomes`, async () => {
        const home = tempHome();
        const ledger = await cliLedger(backend, home);
        try {
          writeConfig(home, {
            inbox: { stableSeconds: 0 },
            simulator: { provisioningSeconds: 0.1 },
          });
          const inbox = path.join(home, 'inbox', 'acme');
          mkdirSync(inbox, { recursive: true });
          writeFileSync(path.join(inbox, 'customers.csv'), TEXT);
          const old = new Date(Date.now() - 60_000);
          utimesSync(path.join(inbox, 'customers.csv'), old, old);

          const crashed = await runCli(['import'], {
            home,
            env: { ...ledger.env, RTM_TEST_HOOKS: '1', RTM_CRASH_AT: point },
          });
          expect(crashed.code, crashed.stderr).to.equal(null); // killed by its own SIGKILL
          // Committed, not archived, not answered.
          expect(await fileRows(ledger)).to.deep.equal([
            { status: 'processed', stored_path: null, rows_total: 3 },
          ]);
          expect(listing(path.join(inbox, CLAIM_DIR))).to.have.length(claims);
          expect(listing(path.join(home, 'archive', 'acme'))).to.have.length(archive);

          const res = await runCli(['nightly', '--json'], { home, env: ledger.env });
          const s = JSON.parse(res.stdout) as Summary;
          expect(validateSummary(s)).to.deep.equal([]);
          expect(s.files.map((f) => [f.name, f.status, f.code])).to.deep.equal([
            ['customers.csv', 'processed', null],
          ]);
          expect(res.code, res.stderr).to.equal(1); // the bad e-mail row
          expect(s.files[0]?.rows).to.deep.equal({ total: 3, accepted: 2, rejected: 1 });
          expect(s.customers).to.include({ created: 2, failed: 0 });

          const archived = listing(path.join(home, 'archive', 'acme'));
          expect(archived).to.have.length(1);
          expect(
            readFileSync(path.join(home, 'archive', 'acme', archived[0] as string), 'utf8'),
          ).to.equal(TEXT);
          expect(await fileRows(ledger)).to.deep.equal([
            { status: 'processed', stored_path: `archive/acme/${archived[0]}`, rows_total: 3 },
          ]);
          expect(listing(inbox)).to.deep.equal([CLAIM_DIR]);
          expect(listing(path.join(inbox, CLAIM_DIR))).to.deep.equal([]);
          const results = readFileSync(
            path.join(home, 'outbox', 'acme', 'customers.csv.results.csv'),
            'utf8',
          ).split('\r\n');
          expect(results[1]).to.match(/^cc-1,.*,created,/);
          expect(results[2]).to.match(/^cc-2,.*,created,/);
          expect(results[3]).to.match(/^cc-3,.*,rejected,INVALID_EMAIL,/);
        } finally {
          await ledger.close();
        }
      });
    });
  }
