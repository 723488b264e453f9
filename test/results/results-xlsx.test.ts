import { expect } from 'chai';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { existsSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import {
  issueMessages,
  RESULT_COLUMNS,
  resultLabels,
  resultsFileName,
} from '../../src/results/index.ts';
import { WORKBOOK_LIMITS } from '../../src/ingest/xlsx/index.ts';
import { openZipEntry, readZipDirectory } from '../../src/ingest/xlsx/zip-directory.ts';
import {
  REFUSED_FILL,
  writeXlsxResults,
  XlsxResultsWriter,
} from '../../src/results/results-xlsx.ts';
import { recogniseHeader } from '../../src/sheets/index.ts';
import type { CellType } from '../../src/ingest/sheet.ts';
import { validateSummary, type Summary } from '../../src/reports/index.ts';
import type { RowResult } from '../../src/store/index.ts';
import { runCli, tempHome, writeConfig } from '../support/cli.ts';
import { CUSTOMER_HEADER } from './customer-header.ts';

const FORMULA_TEXT = '=HYPERLINK("http://evil.example","click")';

function good(id: string): (string | number)[] {
  return [
    id,
    'Bakery Ltd',
    'owner@bakery.example',
    '1 Main St',
    'Austin',
    '78701',
    'US',
    'webex_meetings',
    'P1',
    'n',
  ];
}

async function writeWorkbook(file: string, header: string[], rows: (string | number)[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Customers');
  ws.addRow(['Acme: customers']); // a title row above the header
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(file);
}

/**
 * The workbook as exceljs reads it, with inline strings (one run of rich text, as the results
 * writer stores text) read as the plain strings they show.
 */
async function readBack(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const value = cell.value as ExcelJS.CellRichTextValue | null;
        if (value && typeof value === 'object' && 'richText' in value)
          cell.value = value.richText.map((run) => run.text).join('');
      }),
    ),
  );
  return wb;
}

/** Every worksheet XML of an .xlsx, unpacked from the zip: what Excel will see, not what exceljs says. */
async function worksheetXml(file: string): Promise<string> {
  const zip = await readZipDirectory(file, WORKBOOK_LIMITS);
  if (!zip.ok) throw new Error(zip.message);
  let xml = '';
  for (const entry of zip.entries.filter((e) => e.name.startsWith('xl/worksheets/sheet'))) {
    for await (const chunk of openZipEntry(file, entry) as AsyncIterable<Buffer>)
      xml += chunk.toString('utf8');
  }
  return xml;
}

function fillOf(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  return fill?.pattern === 'solid' ? fill.fgColor?.argb : undefined;
}

function noteOf(cell: ExcelJS.Cell): string {
  const note = cell.note as string | ExcelJS.Comment | undefined;
  if (!note) return '';
  return typeof note === 'string' ? note : (note.texts?.map((t) => t.text).join('') ?? '');
}

describe('results workbook', function () {
  this.timeout(60_000);

  it('when the results file name comes from the partner, then unsafe names fall back to the stored copy and the format comes from the content', () => {
    expect(resultsFileName('Clientes 2026.xlsx', 'archive/a/r-0001.xlsx', 'xlsx')).to.equal(
      'Clientes 2026.xlsx.results.xlsx',
    );
    expect(resultsFileName('book.csv', 'archive/a/r-0002.csv', 'xlsx')).to.equal(
      'book.csv.results.xlsx',
    );
    for (const unsafe of ['..\\x.xlsx', 'a/b.xlsx', 'CON.xlsx', 'inv\u202Excl.xlsx', '.x.xlsx'])
      expect(resultsFileName(unsafe, 'archive/a/r-0003.xlsx', 'xlsx')).to.equal(
        'r-0003.xlsx.results.xlsx',
      );
  });

  it('when written, then every read sheet keeps its columns in order, rows where they were, result columns added, and only refused cells marked', async () => {
    const dir = tempHome('rtm-results-');
    const source = path.join(dir, 'in.xlsx');
    const target = path.join(dir, 'out.xlsx');
    const bad = good('c-2');
    bad[1] = FORMULA_TEXT;
    bad[6] = 'Brasil';
    const phoneLike = good('c-3');
    phoneLike[5] = '+5511999999999'; // text that looks like a formula to a spreadsheet
    await writeWorkbook(source, CUSTOMER_HEADER, [good('c-1'), bad, phoneLike]);
    const rows = new Map<string, RowResult>([
      [
        'Customers\u00003',
        {
          sheet: 'Customers',
          row: 3,
          outcome: 'accepted',
          result: 'created',
          kind: 'customer',
          webexId: 'wx-1',
          issues: [],
        },
      ],
      [
        'Customers\u00004',
        {
          sheet: 'Customers',
          row: 4,
          outcome: 'rejected',
          result: null,
          kind: 'customer',
          webexId: null,
          issues: [
            { code: 'INVALID_NAME_CHAR', params: { value: 'bad%' }, column: 'customer_name' },
            { code: 'INVALID_COUNTRY', params: { value: 'Brasil' }, column: 'country' },
            { code: 'DUPLICATE_KEY', params: { value: 'c-2' }, column: null },
          ],
        },
      ],
    ]);
    // A sheet's results in row order, as the ledger pages them.
    const resultsOf = (sheet: string): AsyncIterable<RowResult> =>
      Readable.from(
        [...rows.values()].filter((r) => r.sheet === sheet).sort((a, b) => a.row - b.row),
      );
    await writeXlsxResults(source, target, resultsOf, resultLabels('en'));
    // The messages as results render them, in the sheet's language, naming row and column.
    const messages = issueMessages(rows.get('Customers\u00004') as RowResult, 'en');
    expect(messages[0])
      .to.match(/row 4/)
      .and.match(/Customer name/)
      .and.match(/bad%/);
    expect(messages[1])
      .to.match(/Country/)
      .and.match(/Brasil/);
    const wb = await readBack(target);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Customers']);
    const ws = wb.getWorksheet('Customers') as ExcelJS.Worksheet;
    expect((ws.getRow(2).values as unknown[]).slice(1)).to.deep.equal([
      ...CUSTOMER_HEADER,
      'result',
      'code',
      'message',
      'webex_id',
    ]);
    expect((ws.getRow(3).values as unknown[]).slice(1)).to.deep.equal(
      [
        ...good('c-1'),
        'created',
        null, // empty cells come back as holes
        null,
        'wx-1',
      ].map((v) => v ?? undefined),
    );
    const row4 = ws.getRow(4);
    expect(row4.getCell(2).value).to.equal(FORMULA_TEXT);
    expect(row4.getCell(2).type).to.equal(ExcelJS.ValueType.String);
    expect(row4.getCell(11).value).to.equal('rejected');
    expect(row4.getCell(12).value).to.equal('INVALID_NAME_CHAR; INVALID_COUNTRY; DUPLICATE_KEY');
    expect(row4.getCell(13).value).to.equal(messages.join(' / '));
    expect(ws.getRow(5).getCell(6).value).to.equal('+5511999999999');
    expect(ws.getRow(5).getCell(6).numFmt).to.equal('@');
    expect(ws.getRow(5).getCell(11).value).to.equal(null); // no outcome known: left blank

    const marked: string[] = [];
    ws.eachRow((row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        if (fillOf(cell)) marked.push(`${cell.address}=${fillOf(cell)}:${noteOf(cell)}`);
      }),
    );
    expect(marked).to.deep.equal([
      `B4=${(REFUSED_FILL as ExcelJS.FillPattern).fgColor?.argb}:${messages[0]}`,
      `G4=${(REFUSED_FILL as ExcelJS.FillPattern).fgColor?.argb}:${messages[1]}`,
    ]);
    // No cell of the file is a formula: partner text is a string, whatever it starts with.
    const xml = await worksheetXml(target);
    expect(xml).to.not.match(/<f[ >]/);
    expect(xml).to.not.contain('t="str"');
  });

  for (const [locale, partner, message, rejectedWord] of [
    ['ja', 'sakura', /国/, '拒否'],
    ['pt-BR', 'brasa', /País/, 'recusado'],
  ] as const) {
    it(`when a ${locale} partner's workbook is imported with one bad row, then outbox/${partner}/ holds a .results.xlsx with ${locale} headers and messages and the bad cell marked, and no .results.csv`, async () => {
      const home = tempHome();
      writeConfig(home, { inbox: { stableSeconds: 0 }, partners: { [partner]: { locale } } });
      const dir = path.join(home, 'inbox', partner);
      mkdirSync(dir, { recursive: true });
      const bad = good('c-2');
      bad[6] = 'Brasil';
      bad[1] = FORMULA_TEXT;
      const file = path.join(dir, 'clientes.xlsx');
      await writeWorkbook(file, CUSTOMER_HEADER, [good('c-1'), bad]);
      const old = new Date(Date.now() - 60_000);
      utimesSync(file, old, old);

      const res = await runCli(['import', '--json'], { home });
      expect(res.code, res.stderr).to.equal(1);
      const s = JSON.parse(res.stdout) as Summary;
      expect(validateSummary(s)).to.deep.equal([]);
      expect(s.rows).to.deep.equal({ total: 2, accepted: 1, rejected: 1 });

      const outbox = path.join(home, 'outbox', partner);
      expect(readdirSync(outbox)).to.deep.equal(['clientes.xlsx.results.xlsx']);
      expect(existsSync(path.join(outbox, 'clientes.xlsx.results.csv'))).to.equal(false);
      const ws = (await readBack(path.join(outbox, 'clientes.xlsx.results.xlsx'))).worksheets[0];
      const header = (ws?.getRow(2).values as unknown[]).slice(1);
      expect(header.slice(-4)).to.deep.equal(RESULT_COLUMNS[locale]);
      const row = ws?.getRow(4) as ExcelJS.Row;
      expect(row.getCell(2).value).to.equal(FORMULA_TEXT);
      expect(row.getCell(11).value).to.equal(rejectedWord);
      expect(row.getCell(13).value).to.be.a('string').and.match(message);
      expect(fillOf(row.getCell(7))).to.equal('FFFFC7CE');
      expect(noteOf(row.getCell(7))).to.match(message);
      expect(fillOf(row.getCell(1))).to.equal(undefined);
      expect(fillOf((ws?.getRow(3) as ExcelJS.Row).getCell(7))).to.equal(undefined);
    });
  }
  it("when provisioning has run (nightly), then the results workbook is rewritten with each row's result and Webex id, and nothing temporary is left", async () => {
    const home = tempHome();
    writeConfig(home, { inbox: { stableSeconds: 0 } });
    const dir = path.join(home, 'inbox', 'acme');
    mkdirSync(dir, { recursive: true });
    const bad = good('c-2');
    bad[6] = 'Brasil';
    const file = path.join(dir, 'customers.xlsx');
    await writeWorkbook(file, CUSTOMER_HEADER, [good('c-1'), bad]);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);

    const res = await runCli(['nightly', '--json'], { home });
    expect(res.code, res.stderr).to.equal(1);
    const s = JSON.parse(res.stdout) as Summary;
    expect(s.customers.created).to.equal(1);
    const outbox = path.join(home, 'outbox', 'acme');
    expect(readdirSync(outbox)).to.deep.equal(['customers.xlsx.results.xlsx']);
    const ws = (await readBack(path.join(outbox, 'customers.xlsx.results.xlsx'))).worksheets[0];
    const created = ws?.getRow(3) as ExcelJS.Row;
    expect(created.getCell(11).value).to.equal('created');
    expect(created.getCell(14).value).to.be.a('string').and.not.equal('');
    expect((ws?.getRow(4) as ExcelJS.Row).getCell(11).value).to.equal('rejected');
  });

  it('when rows carry markup, spaces, line breaks, numbers and booleans, then the workbook shows them exactly, Text columns as Text', async () => {
    const header = ['External ID', 'Customer name', 'Postal code', 'Count', 'Flag'];
    const map = recogniseHeader(header);
    if (!map) throw new Error('header not recognised');
    const target = path.join(tempHome(), 'results.xlsx');
    const writer = await XlsxResultsWriter.open(target, resultLabels('en'));
    writer.sheet({ name: 'Customers', header, headerRow: 1, map });
    const types: CellType[] = ['text', 'text', 'number', 'number', 'boolean'];
    const tricky = ' <b>Tom & "Jerry"</b>\nline two ';
    await writer.rows(
      [
        { row: 2, cells: ['c-1', tricky, '01310100', '42.5', 'true'], cellTypes: types },
        { row: 4, cells: ['c-2', '=1+1', '', '-3', 'false'], cellTypes: types },
      ],
      () => undefined,
    );
    await writer.end();

    const ws = (await readBack(target)).getWorksheet('Customers') as ExcelJS.Worksheet;
    const row2 = ws.getRow(2);
    expect(row2.getCell(2).value).to.equal(tricky);
    expect(row2.getCell(3).value).to.equal('01310100'); // a Text column stays text
    expect(row2.getCell(3).numFmt).to.equal('@');
    expect(row2.getCell(4).value).to.equal(42.5);
    expect(row2.getCell(5).value).to.equal(true);
    expect(ws.getRow(3).hasValues).to.equal(false); // rows stay where they were
    const row4 = ws.getRow(4);
    expect(row4.getCell(2).value).to.equal('=1+1');
    expect(row4.getCell(2).type).to.equal(ExcelJS.ValueType.String);
    expect(row4.getCell(3).value).to.equal(null);
    expect([row4.getCell(4).value, row4.getCell(5).value]).to.deep.equal([-3, false]);
    const xml = await worksheetXml(target);
    expect(xml).to.not.match(/<f[ >]/);
  });
});
