import ExcelJS from 'exceljs';
import type { Benchmark } from './harness.ts';
import {
  CUSTOMERS,
  importDetails,
  measureImport,
  subscriberCells,
  SUBSCRIBER_HEADER,
} from './ingest-data.ts';

const ROWS = Number(process.env.BENCH_XLSX_ROWS ?? process.env.BENCH_ROWS ?? 1_000_000);

/**
 * `import` of one subscribers workbook end to end (zip checks, the bounded reader worker, map,
 * validate, stage) against exceljs's streaming reader alone counting the rows of the same file.
 * The workbook is written with shared strings, as Excel writes them.
 */
export const ingestXlsx: Benchmark = {
  name: 'ingest-xlsx',
  description: `${ROWS.toLocaleString('en-US')}-row subscribers workbook: import end to end vs the exceljs streaming reader alone`,
  unit: 'rows/s',
  async run() {
    const measured = await measureImport({
      rows: ROWS,
      extension: '.xlsx',
      write: writeSubscribersWorkbook,
      async baseline(file) {
        const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
          sharedStrings: 'cache',
          worksheets: 'emit',
          styles: 'cache',
          hyperlinks: 'ignore',
          entries: 'emit',
        });
        let n = 0;
        for await (const sheet of reader)
          for await (const _row of sheet as AsyncIterable<unknown>) n++;
        if (n !== ROWS + 1) throw new Error(`exceljs read ${n} rows`);
      },
    });
    return {
      peakRssMB: measured.peakRssMB,
      value: ROWS / measured.importSeconds,
      baseline: 'exceljs streaming reader alone',
      baselineValue: ROWS / measured.baselineSeconds,
      details: {
        rows: ROWS,
        customers: CUSTOMERS,
        ...importDetails(measured),
        exceljsSeconds: measured.baselineSeconds.toFixed(2),
        exceljsRuns: measured.baselineRuns,
      },
    };
  },
};

async function writeSubscribersWorkbook(file: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: true,
  });
  const sheet = workbook.addWorksheet('Subscribers');
  sheet.addRow(SUBSCRIBER_HEADER).commit();
  for (let i = 0; i < ROWS; i++) sheet.addRow(subscriberCells(i)).commit();
  sheet.commit();
  await workbook.commit();
}
