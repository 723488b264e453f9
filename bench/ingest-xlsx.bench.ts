import ExcelJS from 'exceljs';
import type { Benchmark } from './harness.ts';
import { stageSqliteAlone } from './ingest-csv.bench.ts';
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
 * The workbook is written with shared strings, as Excel writes them. The same rows staged alone
 * into SQLite (ingest-csv's floor) are timed in the same run: the import cannot be faster than
 * that, and on this schema that floor is about exceljs's own speed (docs/architecture.md).
 */
export const ingestXlsx: Benchmark = {
  name: 'ingest-xlsx',
  description: `${ROWS.toLocaleString('en-US')}-row subscribers workbook: import end to end vs the exceljs streaming reader alone`,
  unit: 'rows/s',
  async run() {
    // CPU seconds of the baseline runs, beside the import's (importCpuSeconds): on a loaded machine
    // the wall-clock ratio moves with the load, this one much less.
    let exceljsCpu = 0;
    const measured = await measureImport({
      rows: ROWS,
      extension: '.xlsx',
      write: writeSubscribersWorkbook,
      async baseline(file) {
        const cpu = process.cpuUsage();
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
        const used = process.cpuUsage(cpu);
        exceljsCpu += (used.user + used.system) / 1e6;
      },
    });
    const floorSeconds = await stageSqliteAlone(ROWS);
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
        exceljsCpuSeconds: (exceljsCpu / 2).toFixed(2),
        cpuRatio: (exceljsCpu / 2 / measured.cpuSeconds).toFixed(3),
        stagingSeconds: floorSeconds.toFixed(2),
        stagingRatio: (floorSeconds / measured.importSeconds).toFixed(3),
        // The ratio the import would reach were it no slower than staging alone.
        ratioCeiling: (measured.baselineSeconds / floorSeconds).toFixed(3),
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
