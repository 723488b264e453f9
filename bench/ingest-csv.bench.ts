import type { Benchmark } from './harness.ts';
import { csvParseAlone, importDetails, measureImport, writeSubscribersCsv } from './ingest-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/** `import` of one subscribers CSV end to end (decode, parse, map, validate, stage) against csv-parse alone on the same file. */
export const ingestCsv: Benchmark = {
  name: 'ingest-csv',
  description: `${ROWS.toLocaleString('en-US')}-row subscribers CSV: import end to end vs csv-parse streaming alone`,
  unit: 'rows/s',
  async run() {
    const measured = await measureImport({
      rows: ROWS,
      extension: '.csv',
      write: (file) => writeSubscribersCsv(file, ROWS),
      baseline: (file) => csvParseAlone(file, ROWS),
    });
    return {
      peakRssMB: measured.peakRssMB,
      value: ROWS / measured.importSeconds,
      baseline: 'csv-parse streaming alone',
      baselineValue: ROWS / measured.baselineSeconds,
      details: {
        rows: ROWS,
        ...importDetails(measured),
        csvParseSeconds: measured.baselineSeconds.toFixed(2),
        csvParseRuns: measured.baselineRuns,
      },
    };
  },
};
