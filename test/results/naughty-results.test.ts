import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unneutralise } from '../../src/csv/index.ts';
import { CsvResultsWriter, RESULT_COLUMNS, resultLabels } from '../../src/results/index.ts';
import { writeXlsxResults } from '../../src/results/results-xlsx.ts';
import type { RowResult } from '../../src/store/index.ts';
import { NAUGHTY_STRINGS } from '../fixtures/naughty-strings.ts';
import { tempHome } from '../support/cli.ts';
import { CUSTOMER_HEADER } from './customer-header.ts';

/** What a spreadsheet would run: a field starting = + - @, tab or CR (or their full-width forms). */
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;

/**
 * A refused row whose message cell starts with `text` (a message kept as it was rendered) and whose
 * name cell is noted with an issue quoting `text`.
 */
function refused(row: number, text: string, sheet = ''): RowResult {
  return {
    sheet,
    row,
    kind: 'customer',
    outcome: 'rejected',
    result: null,
    webexId: text,
    issues: [],
    resultCode: 'INVALID_NAME_CHAR',
    resultText: text,
  };
}

function refusedCell(row: number, text: string, sheet: string): RowResult {
  return {
    ...refused(row, text, sheet),
    issues: [{ code: 'INVALID_NAME_CHAR', params: { value: text }, column: 'customer_name' }],
  };
}

describe('naughty strings through the results files', function () {
  this.timeout(60_000);

  it('when partner cells and messages are naughty, then the results CSV reads back with the same partner values and every formula start neutralised', async () => {
    const target = path.join(tempHome('rtm-blns-results-'), 'out.csv');
    const writer = await CsvResultsWriter.open(
      target,
      { encoding: 'utf-8', delimiter: ',', headerRow: 1, sep: null },
      'en',
    );
    await writer.record(1, ['External ID', 'Customer name', 'Partner notes'], undefined);
    for (const [i, x] of NAUGHTY_STRINGS.entries())
      await writer.record(i + 2, [`c-${i}`, x, x], refused(i + 2, x));
    await writer.end();
    const records = parse(await readFile(target), { bom: true }) as string[][];
    expect(records).to.have.length(1 + NAUGHTY_STRINGS.length);
    expect(records[0]).to.deep.equal([
      'External ID',
      'Customer name',
      'Partner notes',
      ...RESULT_COLUMNS.en,
    ]);
    for (const [i, x] of NAUGHTY_STRINGS.entries()) {
      const record = records[i + 1] ?? [];
      expect(record.slice(1, 3).map(unneutralise), JSON.stringify(x)).to.deep.equal([x, x]);
      for (const field of record)
        expect(FORMULA_START.test(field), JSON.stringify(field)).to.equal(false);
    }
  });

  it('when a workbook’s cells and messages are naughty, then the results workbook opens again with no formula or link, the values kept', async () => {
    const dir = tempHome('rtm-blns-results-');
    const source = path.join(dir, 'in.xlsx');
    const target = path.join(dir, 'out.xlsx');
    // A workbook cannot hold NUL or U+FFFE/U+FFFF (XML): a partner's file never has them.
    const writable = NAUGHTY_STRINGS.filter(
      // eslint-disable-next-line no-control-regex
      (x) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(x),
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Customers');
    ws.addRow(CUSTOMER_HEADER);
    for (const [i, x] of writable.entries())
      ws.addRow([
        `c-${i}`,
        x,
        'o@x.example',
        '1 Main St',
        'Austin',
        '78701',
        'US',
        'webex_meetings',
        'P1',
        x,
      ]);
    await wb.xlsx.writeFile(source);
    const results = writable.map((x, i) => refusedCell(i + 2, x, 'Customers'));
    await writeXlsxResults(
      source,
      target,
      (sheet) => Readable.from(results.filter((r) => r.sheet === sheet)),
      resultLabels('en'),
    );
    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(target);
    const sheet = back.getWorksheet('Customers') as ExcelJS.Worksheet;
    const text = (cell: ExcelJS.Cell): string => {
      const v = cell.value as ExcelJS.CellRichTextValue | string | null;
      return v !== null && typeof v === 'object'
        ? v.richText.map((run) => run.text).join('')
        : String(v ?? '');
    };
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        expect([ExcelJS.ValueType.String, ExcelJS.ValueType.RichText], cell.address).to.include(
          cell.type,
        );
        expect(cell.formula, cell.address).to.equal(undefined);
        expect(cell.hyperlink, cell.address).to.equal(undefined);
      }),
    );
    for (const [i, x] of writable.entries()) {
      const row = sheet.getRow(i + 2);
      const kept = x.replace(/\r\n?/g, '\n');
      expect([text(row.getCell(2)), text(row.getCell(10))], JSON.stringify(x)).to.deep.equal([
        kept,
        kept,
      ]);
    }
  });
});
