import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ParsedSheet, WorkbookResult } from '../../src/ingest/sheet.ts';
import {
  readWorkbook,
  readWorkbookInBatches,
  WORKBOOK_LIMITS,
} from '../../src/ingest/xlsx/index.ts';
import { BATCH_ROWS, MAX_BATCHES_IN_FLIGHT } from '../../src/ingest/xlsx/protocol.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = path.join(ROOT, 'fixtures', 'xlsx');
const fixture = (name: string): string => path.join(FIXTURES, name);

function sheets(res: WorkbookResult): ParsedSheet[] {
  if (!res.ok) throw new Error(`expected a workbook, got ${res.code}: ${res.message}`);
  return res.sheets;
}

function sheetNamed(res: WorkbookResult, name: string): ParsedSheet {
  const found = sheets(res).find((s) => s.name === name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

describe('readWorkbook', function () {
  // Every parse gets its own directory under the temp root; the root is ours for this file.
  let tempRoot = '';
  let savedTmpdir: string | undefined;
  let work = '';

  before(() => {
    savedTmpdir = process.env.TMPDIR;
    tempRoot = mkdtempSync(path.join(os.tmpdir(), 'rtm-xlsx-test-root-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'rtm-xlsx-test-work-'));
    process.env.TMPDIR = tempRoot;
  });

  after(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  afterEach(() => {
    // tsx keeps its compile cache under the temp root too: that one is not ours.
    const left = readdirSync(tempRoot).filter((name) => !name.startsWith('tsx-'));
    expect(left, 'temp directories left behind').to.deep.equal([]);
  });

  async function writeBook(name: string, fill: (wb: ExcelJS.Workbook) => void): Promise<string> {
    const wb = new ExcelJS.Workbook();
    fill(wb);
    const file = path.join(work, name);
    await wb.xlsx.writeFile(file);
    return file;
  }

  describe('sound workbooks', () => {
    it('when a workbook holds customers and subscribers sheets, then both come back in tab order with their kinds, header rows and spreadsheet row numbers', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'));
      expect(sheets(res).map((s) => [s.name, s.map.kind, s.headerRow])).to.deep.equal([
        ['Customers', 'customers', 3],
        ['Subscribers', 'subscribers', 1],
      ]);
      const customers = sheetNamed(res, 'Customers');
      expect(customers.header.slice(0, 2)).to.deep.equal(['External ID', 'Customer name']);
      expect(customers.rows.map((r) => r.row)).to.deep.equal([4, 5]);
      expect(customers.rows[0]?.cells).to.deep.equal([
        'c-100',
        'Bakery Ltd',
        'owner@bakery.example',
        '1 Main St',
        'Austin',
        '78701',
        'US',
        'webex_calling, webex_meetings',
        '20',
        'P1',
      ]);
      expect(customers.rows[0]?.cellTypes?.[8]).to.equal('number');
      expect(customers.rows[0]?.cellFlags).to.equal(undefined);
      // Row 3 of the subscribers sheet is empty: skipped, and the numbers keep what Excel shows.
      const subscribers = sheetNamed(res, 'Subscribers');
      expect(subscribers.rows.map((r) => r.row)).to.deep.equal([2, 4, 5]);
      expect(subscribers.rows[2]?.cells.slice(6)).to.deep.equal(['', '']);
      expect(subscribers.rows[2]?.cellTypes?.slice(6)).to.deep.equal(['empty', 'empty']);
      if (res.ok)
        expect(res.notes).to.deep.equal([
          "sheet 'Read me' has no header row we recognise in rows 1–6 and was not read",
        ]);
    });

    it('when the headers and sheet names are Japanese, then both kinds are recognised and the text is intact', async () => {
      const res = await readWorkbook(fixture('ja-headers.xlsx'));
      expect(sheets(res).map((s) => [s.name, s.map.kind])).to.deep.equal([
        ['顧客', 'customers'],
        ['ユーザー', 'subscribers'],
      ]);
      expect(sheetNamed(res, '顧客').rows[0]?.cells.slice(0, 2)).to.deep.equal(['j-1', '山田商店']);
      expect(sheetNamed(res, 'ユーザー').map.columns).to.include('is_admin');
      expect(sheetNamed(res, 'ユーザー').rows[0]?.cells[5]).to.equal('はい');
    });

    it('when Japanese Excel kept the reading (furigana) of a text, then the text is read, not its reading; runs of rich text are joined and _x000D_ is a carriage return', async () => {
      const res = await readWorkbook(fixture('phonetic.xlsx'));
      const [customers] = sheets(res);
      expect(customers?.map.kind).to.equal('customers');
      // exceljs's own reader gave ショウテン, マルノウチ and チヨダク here: the last <t> of each entry.
      expect(customers?.rows[0]?.cells).to.deep.equal([
        ...['j-1', '山田商店', 'info@yamada.example', '丸の内1-1', '千代田区'],
        ...['100-0005', 'JP', 'webex_meetings', '1st floor\r\nback door & bell'],
      ]);
    });

    it('when inline strings hold runs of rich text, a phonetic reading or text that looks escaped, then each cell reads as written', async () => {
      const [users] = sheets(await readWorkbook(fixture('inline-strings.xlsx')));
      // exceljs's reader gave '@yamada.example', 'タロウ' and 'AT&T'.
      expect(users?.rows[0]?.cells).to.deep.equal([
        'c-1',
        'taro@yamada.example',
        '太郎',
        'AT&amp;T',
      ]);
      expect(users?.rows[0]?.cellTypes).to.deep.equal(['text', 'text', 'text', 'formula']);
    });

    for (const sharedStrings of [true, false])
      it(`when a Japanese sheet's XML runs over many chunks (${sharedStrings ? 'shared' : 'inline'} strings), then no character is split into U+FFFD`, async () => {
        // Three bytes a character: a chunk boundary falls inside one about two times in three.
        const count = 3_000;
        const cells = (i: number) => [
          `j-${i % 3}`,
          `u${i}@yamada.example`,
          `太郎${i}`,
          `山田花子${i}`,
        ];
        const file = path.join(work, `ja-${sharedStrings}.xlsx`);
        const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
          filename: file,
          useSharedStrings: sharedStrings,
        });
        const ws = writer.addWorksheet('ユーザー');
        ws.addRow(['顧客外部ID', 'メールアドレス', '名', '姓']).commit();
        for (let i = 0; i < count; i++) ws.addRow(cells(i)).commit();
        ws.commit();
        await writer.commit();
        const rows = sheetNamed(await readWorkbook(file), 'ユーザー').rows;
        const wrong = rows.filter((r) => r.cells.join() !== cells(r.row - 2).join());
        expect(rows).to.have.length(count);
        expect(wrong.map((r) => r.cells.join(' ')).slice(0, 3)).to.deep.equal([]);
      });

    it('when a sheet is hidden, then it is not read and the notes say so', async () => {
      const res = await readWorkbook(fixture('hidden-sheet.xlsx'));
      expect(sheets(res).map((s) => s.name)).to.deep.equal(['Customers']);
      if (res.ok)
        expect(res.notes).to.deep.equal(["sheet 'Old subscribers' is hidden and was not read"]);
    });

    it('when cells are merged in the data area, then every cell of the range is flagged MERGED_CELLS; a merged title above the header is not', async () => {
      const res = await readWorkbook(fixture('merged-cells.xlsx'));
      const sheet = sheetNamed(res, 'Customers');
      expect(sheet.headerRow).to.equal(2);
      expect(sheet.rows.map((r) => [r.row, r.cells[1], r.cellFlags ?? null])).to.deep.equal([
        [3, 'Twin Shops', [null, 'MERGED_CELLS', null]],
        [4, '', [null, 'MERGED_CELLS', null]],
        [5, 'Alone Ltd', null],
      ]);
    });

    it('when a formula has a cached value, then that value is the text; when it has none, then the cell is flagged FORMULA_WITHOUT_VALUE and its row kept', async () => {
      const rows = sheetNamed(await readWorkbook(fixture('formulas.xlsx')), 'Subscribers').rows;
      expect(rows[0]).to.deep.include({ row: 2, cells: ['c-1', 'ann@shop.example', 'ann', 'Lee'] });
      expect(rows[0]?.cellTypes).to.deep.equal(['text', 'formula', 'text', 'text']);
      expect(rows[0]?.cellFlags).to.equal(undefined);
      expect(rows[1]).to.deep.include({ row: 3, cells: ['c-1', '', 'bob', 'Lee'] });
      expect(rows[1]?.cellFlags).to.deep.equal([null, 'FORMULA_WITHOUT_VALUE', null, null]);
    });

    it('when phones are stored as numbers and a column holds dates, then numbers keep every digit without exponent, typed number, and dates read as ISO dates', async () => {
      const sheet = sheetNamed(
        await readWorkbook(fixture('numbers-and-dates.xlsx')),
        'Subscribers',
      );
      expect(sheet.map.columns[8]).to.equal(null);
      const [ann, bob] = sheet.rows;
      expect(ann?.cells.slice(5)).to.deep.equal(['true', '5511999999999', '100', '2026-01-31']);
      expect(ann?.cellTypes?.slice(5)).to.deep.equal(['boolean', 'number', 'number', 'date']);
      // Excel keeps 15 digits: the 20-digit number is already rounded in the file.
      expect(bob?.cells.slice(5)).to.deep.equal([
        'false',
        '12345678901234567000',
        '101',
        '2026-02-01T09:30',
      ]);
    });

    it('when workbooks are read at the same time, then each read sees every sheet (exceljs#3064 dropped parts at random)', async () => {
      // exceljs writes xl/workbook.xml last, which is what made its own read loop lose it.
      const results = await Promise.all(
        [1, 2, 3].map(() => readWorkbook(fixture('two-sheets-en.xlsx'))),
      );
      for (const res of results)
        expect(sheets(res).map((s) => [s.name, s.rows.length])).to.deep.equal([
          ['Customers', 2],
          ['Subscribers', 3],
        ]);
    });

    it('when a sheet has values right of its last named column, then they are left out and the notes say where', async () => {
      const file = await writeBook('wide.xlsx', (wb) => {
        const ws = wb.addWorksheet('Users');
        ws.addRow(['Customer external ID', 'Email']);
        ws.addRow(['c-1', 'a@x.example', '', 'stray note']);
      });
      const res = await readWorkbook(file);
      expect(sheetNamed(res, 'Users').rows[0]?.cells).to.deep.equal(['c-1', 'a@x.example']);
      if (res.ok)
        expect(res.notes).to.deep.equal([
          "sheet 'Users': values right of the last named column (B) were not read, the first in row 2",
        ]);
    });

    it('when a sheet has thousands of rows, then every row arrives once, in order, through the batches', async () => {
      // More batches than may be in flight: the worker waits for the consumer at least twice.
      const count = BATCH_ROWS * (MAX_BATCHES_IN_FLIGHT + 2) + 345;
      const file = await writeBook('many.xlsx', (wb) => {
        const ws = wb.addWorksheet('Users');
        ws.addRow(['Customer external ID', 'Email']);
        for (let i = 0; i < count; i++) ws.addRow([`c-${i % 7}`, `u${i}@x.example`]);
      });
      const batches: number[] = [];
      const seen: number[] = [];
      const outcome = await readWorkbookInBatches(file, {
        sheet(head, position, last) {
          expect([head.name, head.map.kind, position, last]).to.deep.equal([
            'Users',
            'subscribers',
            0,
            true,
          ]);
        },
        async rows(rows) {
          batches.push(rows.length);
          for (const r of rows) seen.push(r.row);
          // A slow consumer: the worker waits for it instead of queueing the whole file.
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      });
      expect(outcome).to.deep.equal({ ok: true, notes: [] });
      expect(seen).to.deep.equal(Array.from({ length: count }, (_, i) => i + 2));
      expect(batches.length).to.be.greaterThan(MAX_BATCHES_IN_FLIGHT + 1);
    });

    it('when sheets follow one another, then each says whether another sheet to read comes after it', async () => {
      const file = await writeBook('three.xlsx', (wb) => {
        for (const name of ['Users', 'Customers', 'Archive']) {
          const ws = wb.addWorksheet(name);
          ws.addRow(
            name === 'Customers'
              ? [
                  'External ID',
                  'Customer name',
                  'Primary email',
                  'Address line 1',
                  'City',
                  'Country',
                  'Packages',
                ]
              : ['Customer external ID', 'Email'],
          );
          if (name === 'Archive') ws.state = 'hidden';
        }
      });
      const heard: [string, number, boolean][] = [];
      const outcome = await readWorkbookInBatches(file, {
        sheet: (head, position, last) => void heard.push([head.name, position, last]),
        rows: () => undefined,
      });
      expect(outcome.ok).to.equal(true);
      // The hidden sheet after Customers is not read: Customers is the last.
      expect(heard).to.deep.equal([
        ['Users', 0, false],
        ['Customers', 1, true],
      ]);
    });
  });

  describe('files we refuse', () => {
    const cases: [string, string, RegExp][] = [
      ['truncated.xlsx', 'FILE_MALFORMED', /^the workbook is damaged or incomplete/],
      [
        'text-named.xlsx',
        'FILE_FORMAT',
        /named \.xlsx but is not a workbook \(it looks like text\)/,
      ],
      ['encrypted.xlsx', 'FILE_FORMAT', /password-protected workbook or legacy \.xls/],
      ['not-a-workbook.xlsx', 'FILE_FORMAT', /not an Excel workbook/],
      ['empty.xlsx', 'FILE_EMPTY', /empty \(0 bytes\)/],
      [
        'zip-bomb.xlsx',
        'FILE_LIMIT',
        /unpacks to \d+ times its stored size .* more than the 100:1/,
      ],
      [
        'zip-bomb-lying.xlsx',
        'FILE_LIMIT',
        /unpacks to more than the 4,096 bytes its index declares/,
      ],
      ['too-many-parts.xlsx', 'FILE_LIMIT', /made of 1,005 parts, more than the 1,000 we read/],
      ['xxe.xlsx', 'FILE_MALFORMED', /contains XML entity declarations .* which we do not read/],
      ['billion-laughs.xlsx', 'FILE_MALFORMED', /contains XML entity declarations/],
      ['undefined-entity.xlsx', 'FILE_MALFORMED', /refers to an XML entity it does not declare/],
      [
        'dangling-shared-string.xlsx',
        'FILE_MALFORMED',
        /^sheet 'Subscribers', cell B2 holds a reference to a shared string the workbook does not define/,
      ],
      ['smuggled-part.xlsx', 'FILE_MALFORMED', /damaged .*\[unlisted bytes before part/],
      [
        'row-without-number.xlsx',
        'FILE_MALFORMED',
        /^the workbook is damaged .*\[sheet 'Subscribers' has a row without a row number\]$/,
      ],
      [
        'bad-cell-reference.xlsx',
        'FILE_MALFORMED',
        /^the workbook is damaged .*\[row 2 has a cell reference that is not one \('2B'\)\]$/,
      ],
    ];
    for (const [name, code, message] of cases)
      it(`when the file is ${name}, then it is refused with ${code}`, async () => {
        const res = await readWorkbook(fixture(name));
        expect(res).to.include({ ok: false, code });
        if (!res.ok) expect(res.message).to.match(message);
      });

    it('when no visible sheet has a header we know, then FILE_HEADER says so and points at the hidden sheet', async () => {
      const file = await writeBook('hidden-only.xlsx', (wb) => {
        wb.addWorksheet('Cover').addRow(['Price list 2026']);
        const hidden = wb.addWorksheet('Data', { state: 'hidden' });
        hidden.addRow(['External ID', 'Customer name']);
      });
      const res = await readWorkbook(file);
      expect(res).to.include({ ok: false, code: 'FILE_HEADER' });
      if (!res.ok)
        expect(res.message).to.contain(
          "sheet 'Data' is hidden and was not read (unhide it if it holds the data)",
        );
    });
  });

  describe('limits', () => {
    it('when a sheet has more data rows than allowed, then FILE_LIMIT names the sheet and the limit', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'), { maxRowsPerSheet: 2 });
      expect(res).to.deep.equal({
        ok: false,
        code: 'FILE_LIMIT',
        message:
          "sheet 'Subscribers' has more than 2 data rows, the most we read from one sheet: split it into several files",
      });
    });

    it('when a value sits beyond the last column we read, then FILE_LIMIT names the cell', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'), { maxColumns: 8 });
      expect(res).to.include({ ok: false, code: 'FILE_LIMIT' });
      if (!res.ok)
        expect(res.message).to.match(/^sheet 'Customers', cell I3 has a value beyond column H/);
    });

    it('when a cell is longer than allowed, then FILE_LIMIT names the cell and its length', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'), { maxCellLength: 40 });
      expect(res).to.include({ ok: false, code: 'FILE_LIMIT' });
      if (!res.ok)
        expect(res.message).to.equal(
          "sheet 'Customers', cell A1 holds 44 characters, more than the 40 a cell may hold",
        );
    });

    it('when a cell holds 1 MB of text (issue 16, case 14), then FILE_LIMIT names the cell and the limit a cell may hold', async () => {
      // Letters that do not repeat, so the part compresses like text and not like a zip bomb.
      let seed = 7;
      const letters = Array.from({ length: 1024 * 1024 + 10 }, () => {
        seed = (seed * 48271) % 2147483647;
        return String.fromCharCode(97 + (seed % 26));
      }).join('');
      const file = await writeBook('one-mb-cell.xlsx', (wb) => {
        const ws = wb.addWorksheet('Customers');
        ws.addRow(['External ID', 'Customer name', 'Primary email']);
        ws.addRow(['c-1', letters, 'a@big.example']);
      });
      const res = await readWorkbook(file);
      expect(res).to.deep.equal({
        ok: false,
        code: 'FILE_LIMIT',
        message:
          "sheet 'Customers', cell B2 holds 1,048,586 characters, more than the 32,767 a cell may hold",
      });
    });

    it('when the declared unpacked size is over the limit, then FILE_LIMIT is given from the zip index alone', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'), {
        maxUncompressedBytes: 10_000,
      });
      expect(res).to.include({ ok: false, code: 'FILE_LIMIT' });
      if (!res.ok)
        expect(res.message).to.match(
          /^the workbook unpacks to \d+ KB, more than the 10 KB we read/,
        );
    });

    it('when reading takes longer than the time limit, then the worker is stopped and FILE_LIMIT says how long', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'), { workerTimeLimitMs: 20 });
      expect(res).to.deep.equal({
        ok: false,
        code: 'FILE_LIMIT',
        message:
          'the workbook took longer than 0.02 seconds to read, the most we allow: split it into smaller files',
      });
    });

    it('when the worker runs out of its memory, then FILE_LIMIT names the memory limit', async () => {
      const res = await readWorkbook(fixture('two-sheets-en.xlsx'), { workerMemoryMb: 2 });
      expect(res).to.deep.equal({
        ok: false,
        code: 'FILE_LIMIT',
        message:
          'reading the workbook needed more than the 2 MB of memory we allow: split it into smaller files',
      });
    });

    it('has one named limit per concern', () => {
      expect(Object.keys(WORKBOOK_LIMITS).sort()).to.deep.equal([
        'maxCellLength',
        'maxColumns',
        'maxCompressionRatio',
        'maxRowsPerSheet',
        'maxUncompressedBytes',
        'maxZipEntries',
        'ratioCheckMinBytes',
        'workerMemoryMb',
        'workerTimeLimitMs',
      ]);
    });
  });

  // The worker's entry depends on how the code runs: compiled parse-worker.js when built, a tsx
  // loader script from the sources. Both are started from another working directory.
  const launchers: { how: string; lines: string[] }[] = [
    {
      how: 'built, as bin/rtm-batch.js runs it (dist/, no loader)',
      lines: [
        `const { readWorkbook } = await import(${JSON.stringify(new URL('../../dist/src/ingest/xlsx/index.js', import.meta.url).href)});`,
      ],
    },
    {
      how: 'from the sources under tsx register()',
      lines: [
        `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
        'register();',
        `const { readWorkbook } = await import(${JSON.stringify(new URL('../../src/ingest/xlsx/index.ts', import.meta.url).href)});`,
      ],
    },
  ];
  for (const { how, lines } of launchers) {
    it(`when run ${how}, from another working directory, then the worker starts and reads the workbook`, async () => {
      const script = path.join(work, 'launcher.mjs');
      writeFileSync(
        script,
        [
          ...lines,
          `const res = await readWorkbook(${JSON.stringify(fixture('ja-headers.xlsx'))});`,
          'console.log(JSON.stringify(res.ok ? res.sheets.map((s) => s.map.kind) : res));',
        ].join('\n'),
      );
      const { stdout } = await promisify(execFile)(process.execPath, [script], {
        cwd: work,
        env: { ...process.env, NODE_OPTIONS: '', TMPDIR: savedTmpdir ?? os.tmpdir() },
      });
      expect(JSON.parse(stdout)).to.deep.equal(['customers', 'subscribers']);
      rmSync(script);
    });
  }

  it('when built and the consumer is slower than the worker, then the worker waits for it (nothing else keeps its thread alive) and every row arrives', async () => {
    const count = BATCH_ROWS * (MAX_BATCHES_IN_FLIGHT + 2) + 345;
    const file = await writeBook('slow-consumer.xlsx', (wb) => {
      const ws = wb.addWorksheet('Users');
      ws.addRow(['Customer external ID', 'Email']);
      for (let i = 0; i < count; i++) ws.addRow([`c-${i % 7}`, `u${i}@x.example`]);
    });
    const script = path.join(work, 'slow-consumer.mjs');
    writeFileSync(
      script,
      [
        `const { readWorkbookInBatches } = await import(${JSON.stringify(new URL('../../dist/src/ingest/xlsx/index.js', import.meta.url).href)});`,
        'let rows = 0;',
        `const outcome = await readWorkbookInBatches(${JSON.stringify(file)}, {`,
        '  sheet() {},',
        '  rows(batch) {',
        '    rows += batch.length;',
        // Busy, as checking and staging a batch keeps the main thread.
        '    const until = Date.now() + 100;',
        '    while (Date.now() < until);',
        '  },',
        '});',
        'console.log(JSON.stringify({ outcome, rows }));',
      ].join('\n'),
    );
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      cwd: work,
      env: { ...process.env, NODE_OPTIONS: '', TMPDIR: savedTmpdir ?? os.tmpdir() },
    });
    expect(JSON.parse(stdout)).to.deep.equal({ outcome: { ok: true, notes: [] }, rows: count });
    rmSync(script);
  });
});
