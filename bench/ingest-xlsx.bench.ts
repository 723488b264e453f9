import ExcelJS from 'exceljs';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importJob } from '../jobs/index.ts';
import { closeApp, openApp } from '../src/cli/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { customersCsv, CUSTOMERS, subscriberCells, SUBSCRIBER_HEADER } from './ingest-data.ts';
import { seconds, type Benchmark } from './harness.ts';

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
    const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-xlsx-'));
    try {
      const inbox = path.join(home, 'inbox', 'bench');
      mkdirSync(inbox, { recursive: true });
      writeFileSync(
        path.join(home, 'rtm-batch.config.json'),
        JSON.stringify({ inbox: { stableSeconds: 0 } }),
      );
      writeFileSync(path.join(inbox, 'customers.csv'), customersCsv());
      const file = path.join(home, 'subscribers-source.xlsx');
      await writeSubscribersWorkbook(file);

      const baselineSeconds = await seconds(async () => {
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
      });

      const loaded = loadConfig({ home, env: {}, cwd: home });
      if (!loaded.config) throw new Error(loaded.errors.join('\n'));
      const app = await openApp(loaded.config, { quiet: true });
      const opts = { dryRun: false, partner: null, signal: new AbortController().signal };
      try {
        // Customers first, in a run of their own, so the measured run is the workbook alone.
        await importJob(app, opts);
        renameSync(file, path.join(inbox, 'subscribers.xlsx'));
        let accepted = 0;
        const ourSeconds = await seconds(async () => {
          const summary = await importJob(app, opts);
          accepted = summary.rows.accepted;
        });
        if (accepted !== ROWS) throw new Error(`import accepted ${accepted} of ${ROWS} rows`);
        return {
          value: ROWS / ourSeconds,
          baseline: 'exceljs streaming reader alone',
          baselineValue: ROWS / baselineSeconds,
          details: {
            rows: ROWS,
            customers: CUSTOMERS,
            importSeconds: ourSeconds.toFixed(2),
            exceljsSeconds: baselineSeconds.toFixed(2),
          },
        };
      } finally {
        await closeApp(app);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
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
