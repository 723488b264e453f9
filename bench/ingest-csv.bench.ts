import { parse } from 'csv-parse';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Benchmark } from './harness.ts';
import { measureImport, subscriberCells, SUBSCRIBER_HEADER } from './ingest-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/** `import` of one subscribers CSV end to end (decode, parse, map, validate, stage) against csv-parse alone on the same file. */
export const ingestCsv: Benchmark = {
  name: 'ingest-csv',
  description: `${ROWS.toLocaleString('en-US')}-row subscribers CSV: import end to end vs csv-parse streaming alone`,
  unit: 'rows/s',
  async run() {
    const { importSeconds, baselineSeconds, importPeakRssMB, importCpuSeconds } =
      await measureImport({
        rows: ROWS,
        extension: '.csv',
        write: writeSubscribersCsv,
        async baseline(file) {
          let n = 0;
          for await (const _record of createReadStream(file).pipe(
            parse({ bom: true, record_delimiter: ['\r\n', '\n', '\r'] }),
          ))
            n++;
          if (n !== ROWS + 1) throw new Error(`csv-parse read ${n} records`);
        },
      });
    return {
      peakRssMB: importPeakRssMB,
      value: ROWS / importSeconds,
      baseline: 'csv-parse streaming alone',
      baselineValue: ROWS / baselineSeconds,
      details: {
        rows: ROWS,
        importSeconds: importSeconds.toFixed(2),
        importCpuSeconds: importCpuSeconds.toFixed(2),
        csvParseSeconds: baselineSeconds.toFixed(2),
      },
    };
  },
};

async function writeSubscribersCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(SUBSCRIBER_HEADER.join(',') + '\n');
  for (let i = 0; i < ROWS; i++) {
    const cells = subscriberCells(i);
    cells[2] = `"${cells[2]}"`; // a quoted field on every line, as spreadsheets write names
    if (!out.write(cells.join(',') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
