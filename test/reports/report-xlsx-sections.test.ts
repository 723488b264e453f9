import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type ExcelJS from 'exceljs';
import { writeRunReports } from '../../src/reports/index.ts';
import { aThreePartnerInput } from './builders.ts';
import { readReportXlsx, REPORT_SHEETS } from './read-report-xlsx.ts';

const fillOf = (cell: ExcelJS.Cell | undefined): string | undefined =>
  (cell?.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;

describe('report.xlsx: a sheet per section', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rtm-xlsx-sections-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a three-partner run is written, then every section has its sheet with a frozen bold header, an auto filter over its rows and column widths', async () => {
    await writeRunReports(dir, aThreePartnerInput(), []);
    const wb = await readReportXlsx(dir);
    expect(wb.worksheets.map((ws) => ws.name)).to.deep.equal(REPORT_SHEETS);
    for (const ws of wb.worksheets) {
      expect(ws.views[0], ws.name).to.include({ state: 'frozen', ySplit: 1 });
      expect(ws.getRow(1).font?.bold ?? ws.getRow(1).getCell(1).font?.bold, ws.name).to.equal(true);
      expect(ws.autoFilter as unknown as string, ws.name).to.match(
        new RegExp(`^A1:[A-Z]+${ws.rowCount}$`),
      );
      expect(
        ws.columns.every((c) => (c.width ?? 0) >= 8),
        ws.name,
      ).to.equal(true);
    }
    const partners = wb.getWorksheet('Partners') as ExcelJS.Worksheet;
    expect(partners.getColumn(1).values.slice(2)).to.deep.equal([
      'acme-br',
      'lisboa-net',
      'tokyo-tel',
    ]);
    // acme-br: 1 file, 1,234 rows, 34 refused; created 1,112, failed 2; 1 RPL open; its results file.
    expect(partners.getRow(2).values).to.deep.equal([
      undefined,
      'acme-br',
      1,
      1234,
      1200,
      34,
      1112,
      0,
      0,
      0,
      2,
      0,
      1,
      'assinantes.csv.results.csv',
    ]);
    expect((wb.getWorksheet('Changes') as ExcelJS.Worksheet).rowCount).to.equal(1 + 6);
    expect((wb.getWorksheet('RPL') as ExcelJS.Worksheet).rowCount).to.equal(1 + 3);
    const candidates = wb.getWorksheet('Candidates') as ExcelJS.Worksheet;
    expect(candidates.rowCount).to.equal(2);
    expect(candidates.getRow(2).getCell(2).value).to.equal('T-7');
    expect(candidates.getRow(2).getCell(7).value).to.equal('45 d 0 h');
    expect((wb.getWorksheet('Reconciliation') as ExcelJS.Worksheet).rowCount).to.equal(1 + 2);
  });

  it('when statuses are written, then their cells take the colours of the report badges', async () => {
    const input = aThreePartnerInput();
    input.summary.files[2] = {
      ...input.summary.files[2]!,
      status: 'quarantined',
      code: 'FILE_FORMAT',
    };
    await writeRunReports(dir, input, []);
    const wb = await readReportXlsx(dir);
    const files = wb.getWorksheet('Files') as ExcelJS.Worksheet;
    expect(fillOf(files.getRow(2).getCell(5))).to.equal('FFE2F5E9'); // processed: green
    expect(fillOf(files.getRow(4).getCell(5))).to.equal('FFFDE8E6'); // quarantined: red
    const summary = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
    expect(summary.getRow(4).getCell(3).value).to.equal('Needs attention');
    expect(fillOf(summary.getRow(4).getCell(3))).to.equal('FFFFF3D1');
    const reconciliation = wb.getWorksheet('Reconciliation') as ExcelJS.Worksheet;
    expect(reconciliation.getRow(2).getCell(5).value).to.equal('drifted');
    expect(fillOf(reconciliation.getRow(2).getCell(5))).to.equal('FFFDE8E6');
    expect(fillOf(reconciliation.getRow(3).getCell(5))).to.equal('FFFFF3D1'); // orphan: amber
    const changes = wb.getWorksheet('Changes') as ExcelJS.Worksheet;
    const failed = changes.getRows(2, 6)?.find((r) => r.getCell(3).value === 'Failed');
    expect(fillOf(failed?.getCell(3))).to.equal('FFFDE8E6');
    const rpl = wb.getWorksheet('RPL') as ExcelJS.Worksheet;
    expect(fillOf(rpl.getRow(3).getCell(12))).to.equal('FFFDE8E6'); // candidate
  });
});
