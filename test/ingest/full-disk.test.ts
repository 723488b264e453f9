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
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import knexFactory from 'knex';
import type { Summary } from '../../src/reports/index.ts';
import { runCli, startCli, tempHome, writeConfig } from '../support/cli.ts';
import { mountSmallFs, type SmallFs } from '../support/small-fs.ts';
import { CUSTOMERS_HEADER, customersCsv } from '../support/sheets.ts';

const HEADER = CUSTOMERS_HEADER;
/** A customers sheet of `n` rows, about 1 MB of ledger at 2,000. */
const customers = (n: number) => customersCsv('fd', n);

async function ledgerCounts(file: string): Promise<{ files: number; customers: number }> {
  const db = knexFactory({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  try {
    const [f] = (await db('files').count({ n: '*' })) as { n: number }[];
    const [c] = (await db('customers').count({ n: '*' })) as { n: number }[];
    return { files: Number(f?.n), customers: Number(c?.n) };
  } finally {
    await db.destroy();
  }
}

describe('ingest: the ledger on a full disk (issue 16, case 1)', () => {
  let fs: SmallFs | null = null;
  afterEach(() => {
    fs?.unmount();
    fs = null;
  });

  it('when the COMMIT of a file is refused for a full disk, then nothing claims the rows, the file is back in the inbox, the run fails with the cause, and the next run imports it', async function () {
    this.timeout(120_000);
    const home = tempHome();
    fs = mountSmallFs(path.join(home, 'dbfs'), 4096);
    const ledger = path.join(fs.dir, 'ledger.sqlite');
    writeConfig(home, {
      inbox: { stableSeconds: 0 },
      database: { client: 'sqlite3', connection: ledger },
    });
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    // A first run creates and migrates the ledger while there is room.
    expect((await runCli(['import'], { home })).code).to.equal(0);

    const file = path.join(inbox, 'customers.csv');
    writeFileSync(file, customers(2000));
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    fs.fill(96 * 1024);

    const failed = await runCli(['import', '--json'], { home });
    expect(failed.code, failed.stderr).to.equal(3);
    const summary = JSON.parse(failed.stdout) as Summary;
    expect(summary.status).to.equal('failed');
    expect(summary.error).to.match(/database or disk is full/);
    expect(summary.error).to.include('inbox/acme/customers.csv');
    expect(summary.files.filter((f) => f.status === 'processed')).to.deep.equal([]);
    // The file is back under its name, nothing claims it, nothing was archived or answered.
    expect(readdirSync(inbox).filter((n) => !n.startsWith('.'))).to.deep.equal(['customers.csv']);
    expect(readdirSync(path.join(inbox, '.rtm-claims'))).to.deep.equal([]);
    const archive = path.join(home, 'archive', 'acme');
    expect(existsSync(archive) ? readdirSync(archive) : []).to.deep.equal([]);
    const outbox = path.join(home, 'outbox', 'acme');
    expect(existsSync(outbox) ? readdirSync(outbox) : []).to.deep.equal([]);

    fs.free();
    expect(await ledgerCounts(ledger)).to.deep.equal({ files: 0, customers: 0 });
    const again = await runCli(['import', '--json'], { home });
    expect(again.code, again.stderr).to.equal(0);
    const s2 = JSON.parse(again.stdout) as Summary;
    expect(s2.files.map((f) => [f.name, f.status])).to.deep.equal([['customers.csv', 'processed']]);
    expect(s2.rows).to.deep.equal({ total: 2000, accepted: 2000, rejected: 0 });
    expect(await ledgerCounts(ledger)).to.deep.equal({ files: 1, customers: 2000 });
    const results = readFileSync(path.join(outbox, 'customers.csv.results.csv'), 'utf8');
    expect(results.trim().split('\n')).to.have.length(2001);
  });
  it('when the outbox fills up while a workbook is read, then the run fails with the cause instead of waiting forever, and the file is back in the inbox', async function () {
    this.timeout(120_000);
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const inbox = path.join(home, 'inbox', 'acme');
    mkdirSync(inbox, { recursive: true });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Customers');
    ws.addRow(HEADER.trim().split(','));
    for (let i = 1; i <= 3000; i++)
      ws.addRow([
        `fd-${i}`,
        `Full Disk Co ${i}`,
        `it${i}@fulldisk.example`,
        `${i} Main Street`,
        'Austin',
        'TX',
        '78701',
        'US',
        'webex_meetings',
        'P1',
      ]);
    await wb.xlsx.writeFile(path.join(inbox, 'book.xlsx'));
    fs = mountSmallFs(path.join(home, 'outbox'), 64);
    fs.fill();

    // Before: the results workbook waited for a 'drain' its full disk never gave; the run hung.
    const child = startCli(['import', '--json'], { home });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const stuck = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(stuck);
    expect(code, 'the run ended by itself').to.equal(3);
    const summary = JSON.parse(stdout) as Summary;
    expect(summary.error).to.match(/ENOSPC/);
    expect(readdirSync(inbox).filter((n) => !n.startsWith('.'))).to.deep.equal(['book.xlsx']);
    expect(readdirSync(path.join(inbox, '.rtm-claims'))).to.deep.equal([]);
    expect(readdirSync(path.join(home, 'outbox', 'acme'))).to.deep.equal([]);
  });
});
