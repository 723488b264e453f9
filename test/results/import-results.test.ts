// Issue #4, "Results back to the partner": the import writes each file's results in the same pass
// that reads and checks its rows. Whatever the file, those bytes must be the ones the rewrite from
// the ledger and the archived copy gives (writeResultsFiles, which runs again after provisioning):
// checked here on both backends for text files in three encodings, with title rows, a `sep=` line,
// blank lines and refused rows, and for workbooks, including one whose subscribers sheet comes
// before its customers sheet (its rows are checked last, so its results come from the ledger).
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Summary } from '../../src/reports/index.ts';
import { runImport } from '../../src/ingest/run-import.ts';
import { writeResultsFiles } from '../../src/results/index.ts';
import { WORKBOOK_LIMITS } from '../../src/ingest/xlsx/index.ts';
import { openZipEntry, readZipDirectory } from '../../src/ingest/xlsx/zip-directory.ts';
import { backends, freshDb, type TestDb } from '../support/db.ts';
import { testConfig, testRunContext } from '../support/run-context.ts';
import { REPO_ROOT, runCli, tempHome, writeConfig } from '../support/cli.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'rtm-batch.js');

const PROVISIONING_ID = 'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2';
const CUSTOMER_HEADER = [
  'External ID',
  'Customer name',
  'Primary email',
  'Address line 1',
  'City',
  'State or province',
  'Postal code',
  'Country',
  'Packages',
  'Provisioning ID',
  'Notas do parceiro', // not ours: kept in the results
];
const SUBSCRIBER_HEADER = ['Customer external ID', 'Email', 'First name', 'Last name', 'Package'];

function customer(id: string, country = 'US', email = `owner@${id}.example`): string[] {
  return [
    id,
    `Padaria São ${id}`,
    email,
    '1 Main St',
    'Austin',
    'TX',
    '78701',
    country,
    'webex_meetings',
    PROVISIONING_ID,
    '=1+1', // a formula-looking note: neutralised in the results
  ];
}

/** A text file with a title row, its header, good and refused rows and a blank line between. */
function customersText(delimiter: string, sep: boolean): string {
  const line = (cells: string[]) => cells.join(delimiter);
  return [
    ...(sep ? [`sep=${delimiter}`] : []),
    line(['Clientes da Acme', ...CUSTOMER_HEADER.slice(1).map(() => '')]),
    line(CUSTOMER_HEADER),
    line(customer('c1')),
    line(customer('c2', 'XX')), // an unknown country: refused
    line(CUSTOMER_HEADER.map(() => '')), // a blank line
    line(customer('c3', 'US', 'not-an-email')), // refused
    line(customer('c4')),
    '',
  ].join('\r\n');
}

function dropInto(home: string, partner: string, name: string, bytes: Buffer | string): void {
  const dir = path.join(home, 'inbox', partner);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), bytes);
  const old = new Date(Date.now() - 3600_000);
  utimesSync(path.join(dir, name), old, old);
}

/** Every part of a workbook but its document properties (which carry the time it was written). */
async function workbookParts(file: string): Promise<Record<string, string>> {
  const zip = await readZipDirectory(file, WORKBOOK_LIMITS);
  if (!zip.ok) throw new Error(zip.message);
  const parts: Record<string, string> = {};
  for (const entry of zip.entries.filter((e) => !e.name.startsWith('docProps/'))) {
    let xml = '';
    for await (const chunk of openZipEntry(file, entry) as AsyncIterable<Buffer>)
      xml += chunk.toString('utf8');
    parts[entry.name] = xml;
  }
  return parts;
}

for (const backend of backends()) {
  describe(`ingest: results written in the import's pass (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDb;
    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => {
      await t.close();
    });

    /** Imports the inbox; returns the outbox files and a function that rewrites them from the ledger. */
    async function importAndRewrite(
      config: ReturnType<typeof testConfig>,
      partner: string,
    ): Promise<{ first: Map<string, Buffer>; again: Map<string, Buffer>; outbox: string }> {
      const ctx = await testRunContext(t.db, config, { runId: `r-${backend}-import` });
      await runImport(ctx);
      const outbox = path.join(config.home, 'outbox', partner);
      const read = () =>
        new Map(readdirSync(outbox).map((n) => [n, readFileSync(path.join(outbox, n))]));
      const first = read();
      const ids = (await t.db('files').where({ status: 'processed' }).pluck('id')) as number[];
      for (const n of first.keys()) rmSync(path.join(outbox, n));
      await writeResultsFiles(ctx, ids.map(Number));
      return { first, again: read(), outbox };
    }

    for (const c of [
      { name: 'UTF-8, comma, sep= line', encoding: 'utf-8', delimiter: ',', sep: true },
      { name: 'windows-1252, semicolon', encoding: 'windows-1252', delimiter: ';', sep: false },
      { name: 'UTF-16LE with BOM, tab', encoding: 'utf-16le', delimiter: '\t', sep: true },
    ]) {
      it(`when a ${c.name} file is imported, then its results file is the rewrite's bytes, every record marked`, async () => {
        const config = testConfig({
          inbox: { stableSeconds: 0 },
          partners: { acme: { locale: 'pt-BR', encoding: 'windows-1252' } },
        });
        const text = customersText(c.delimiter, c.sep);
        const bytes =
          c.encoding === 'utf-16le'
            ? Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])
            : iconv.encode(text, c.encoding);
        dropInto(config.home, 'acme', 'clientes.csv', bytes);

        const { first, again } = await importAndRewrite(config, 'acme');
        expect([...first.keys()]).to.deep.equal(['clientes.csv.results.csv']);
        const written = first.get('clientes.csv.results.csv') as Buffer;
        expect(written.equals(again.get('clientes.csv.results.csv') as Buffer)).to.equal(true);

        // The partner's encoding, its delimiter, its sep= line and title row, then one result a row.
        const bom = c.encoding === 'utf-16le' ? 2 : 0;
        let back = iconv.decode(written.subarray(bom), c.encoding);
        if (c.sep) {
          expect(back.startsWith(`sep=${c.delimiter}\r\n`)).to.equal(true);
          back = back.slice(7);
        }
        const records = parse(back, {
          delimiter: c.delimiter,
          relax_column_count: true,
        }) as string[][];
        expect(records[0]?.[0]).to.equal('Clientes da Acme');
        expect(records[1]?.slice(-5)).to.deep.equal([
          'Notas do parceiro',
          'resultado',
          'código',
          'mensagem',
          'webex_id',
        ]);
        const result = (i: number) => (records[i] ?? []).slice(-4);
        expect(records[2]?.[1]).to.equal('Padaria São c1');
        expect(records[2]?.[10]).to.equal("'=1+1");
        expect(result(2)).to.deep.equal(['aceito', '', '', '']);
        expect(result(3).slice(0, 2)).to.deep.equal(['recusado', 'INVALID_COUNTRY']);
        expect(result(3)[2]).to.include('"XX"');
        expect(result(4)).to.deep.equal(['', '', '', '']); // the blank line
        expect(result(5).slice(0, 2)).to.deep.equal(['recusado', 'INVALID_EMAIL']);
        expect(result(6)).to.deep.equal(['aceito', '', '', '']);
        expect(records).to.have.length(7);
      });
    }

    it('when a file is refused half-way, then no results file and no partial file is left in the outbox', async () => {
      const config = testConfig({ inbox: { stableSeconds: 0 } });
      const lines = [CUSTOMER_HEADER.join(',')];
      for (let i = 0; i < 2500; i++) lines.push(customer(`ok${i}`).join(','));
      lines.push('broken,"an open quote');
      dropInto(config.home, 'acme', 'big.csv', lines.join('\n') + '\n');
      dropInto(config.home, 'acme', 'small.csv', customersText(',', false));

      const ctx = await testRunContext(t.db, config);
      const report = await runImport(ctx);
      expect(report.files.map((f) => [f.name, f.status, f.code])).to.have.deep.members([
        ['big.csv', 'quarantined', 'FILE_MALFORMED'],
        ['small.csv', 'processed', null],
      ]);
      expect(readdirSync(path.join(config.home, 'outbox', 'acme'))).to.deep.equal([
        'small.csv.results.csv',
      ]);
    });

    for (const order of ['customers first', 'subscribers first'] as const) {
      it(`when a workbook with its ${order} is imported, then its results workbook holds what the rewrite writes`, async () => {
        const config = testConfig({ inbox: { stableSeconds: 0 } });
        const wb = new ExcelJS.Workbook();
        const addCustomers = () => {
          const ws = wb.addWorksheet('Customers');
          ws.addRow(CUSTOMER_HEADER);
          ws.addRow(customer('w1'));
          ws.addRow(customer('w2', 'XX'));
        };
        const addSubscribers = () => {
          const ws = wb.addWorksheet('Subscribers');
          ws.addRow(['Users of Acme']);
          ws.addRow(SUBSCRIBER_HEADER);
          ws.addRow(['w1', 'ann@w1.example', 'Ann', 'Silva', 'webex_meetings']);
          ws.addRow(['w1', 'bad-email', 'Bob', 'Souza', 'webex_meetings']);
          ws.addRow(['w9', 'cy@w9.example', 'Cy', 'Sato', 'webex_meetings']);
        };
        if (order === 'customers first') {
          addCustomers();
          addSubscribers();
        } else {
          addSubscribers();
          addCustomers();
        }
        const file = path.join(config.home, 'book.xlsx');
        await wb.xlsx.writeFile(file);
        dropInto(config.home, 'acme', 'book.xlsx', readFileSync(file));

        const { first, again } = await importAndRewrite(config, 'acme');
        expect([...first.keys()]).to.deep.equal(['book.xlsx.results.xlsx']);
        const { outbox } = { outbox: path.join(config.home, 'outbox', 'acme') };
        const written = path.join(outbox, 'first.xlsx');
        const rewritten = path.join(outbox, 'again.xlsx');
        writeFileSync(written, first.get('book.xlsx.results.xlsx') as Buffer);
        writeFileSync(rewritten, again.get('book.xlsx.results.xlsx') as Buffer);
        expect(await workbookParts(written)).to.deep.equal(await workbookParts(rewritten));

        const back = new ExcelJS.Workbook();
        await back.xlsx.readFile(written);
        const text = (v: ExcelJS.CellValue) =>
          v && typeof v === 'object' && 'richText' in v
            ? v.richText.map((r) => r.text).join('')
            : v;
        const subscribers = back.getWorksheet('Subscribers') as ExcelJS.Worksheet;
        const resultOf = (row: number) =>
          [6, 7].map((col) => text(subscribers.getRow(row).getCell(col).value));
        expect(resultOf(3)).to.deep.equal(['accepted', null]);
        expect(resultOf(4)).to.deep.equal(['rejected', 'INVALID_EMAIL']);
        expect(resultOf(5)[0]).to.equal('rejected');
        expect(subscribers.getRow(4).getCell(2).note).to.be.a('string').and.include('bad-email');
      });
    }
  });
}

describe('ingest: a run killed while it writes a results file', function () {
  this.timeout(120_000);

  it('when the import is killed half-way through a file, then the next run removes the unfinished results file and answers the file in full', async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const lines = [CUSTOMER_HEADER.join(',')];
    for (let i = 0; i < 40_000; i++) lines.push(customer(`k${i}`).join(','));
    dropInto(home, 'acme', 'many.csv', lines.join('\r\n') + '\r\n');
    const outbox = path.join(home, 'outbox', 'acme');
    mkdirSync(outbox, { recursive: true });
    writeFileSync(path.join(outbox, 'notes.tmp'), 'not ours to remove');

    // Killed (SIGKILL: nothing runs after it) as soon as the results file is being written.
    const child = spawn(process.execPath, [BIN, 'import'], {
      env: { ...process.env, RTM_HOME: home, DATABASE_URL: undefined },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    let unfinished: string | undefined;
    for (let i = 0; i < 3000 && !unfinished && child.exitCode === null; i++) {
      unfinished = readdirSync(outbox).find((n) => n.endsWith('.tmp') && n !== 'notes.tmp');
      if (!unfinished) await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    expect(unfinished, 'the import wrote its results under a temporary name').to.match(
      /^many\.csv\.results\.csv\.\d+\.tmp$/,
    );
    expect(readdirSync(outbox)).to.include(unfinished);

    const again = await runCli(['import', '--json'], { home });
    const summary = JSON.parse(again.stdout) as Summary;
    // The killed run is found abandoned: exit 1, and nothing else needs a person.
    expect(again.code, again.stderr).to.equal(1);
    expect(summary.attention.map((a) => a.kind)).to.deep.equal(['run_abandoned']);
    expect(summary.files.map((f) => [f.name, f.status, f.rows.total])).to.deep.equal([
      ['many.csv', 'processed', 40_000],
    ]);
    expect(readdirSync(outbox).sort()).to.deep.equal(['many.csv.results.csv', 'notes.tmp']);
    const records = parse(readFileSync(path.join(outbox, 'many.csv.results.csv')), {
      relax_column_count: true,
    }) as string[][];
    expect(records).to.have.length(40_001);
    expect(records.slice(1).every((r) => r[r.length - 4] === 'accepted')).to.equal(true);
  });
});

describe('ingest: a results file that cannot be written', function () {
  this.timeout(60_000);

  it('when the outbox cannot take the results file, then the partner is skipped with the reason, nothing of the file is staged, and the next run reads it whole', async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    dropInto(home, 'acme', 'clientes.csv', customersText(',', false));
    // A file where the partner's outbox folder belongs: the results file cannot be created.
    mkdirSync(path.join(home, 'outbox'), { recursive: true });
    writeFileSync(path.join(home, 'outbox', 'acme'), 'in the way');

    // The partner's folder, not the run, is at fault (issue 16, case 9): exit 1, with the reason.
    const failed = await runCli(['import', '--json'], { home });
    expect(failed.code, failed.stderr).to.equal(1);
    const skipped = JSON.parse(failed.stdout) as Summary;
    expect(skipped.files).to.deep.equal([]);
    expect(skipped.attention.map((a) => [a.kind, a.partner])).to.deep.equal([
      ['partner_folder', 'acme'],
    ]);
    expect(skipped.attention[0]?.message).to.contain('outbox/acme');
    expect(readdirSync(path.join(home, 'inbox', 'acme')).sort()).to.deep.equal([
      '.rtm-claims',
      'clientes.csv',
    ]);

    rmSync(path.join(home, 'outbox', 'acme'));
    const again = await runCli(['import', '--json'], { home });
    expect(again.code, again.stderr).to.equal(1); // some rows were refused
    const summary = JSON.parse(again.stdout) as Summary;
    expect(summary.files.map((f) => [f.name, f.status, f.rows])).to.deep.equal([
      ['clientes.csv', 'processed', { total: 4, accepted: 2, rejected: 2 }],
    ]);
    expect(readdirSync(path.join(home, 'outbox', 'acme'))).to.deep.equal([
      'clientes.csv.results.csv',
    ]);
  });
});
