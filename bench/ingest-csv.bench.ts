import { parse } from 'csv-parse';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { importJob } from '../jobs/index.ts';
import { openApp, closeApp } from '../src/cli/app.ts';
import { loadConfig } from '../src/config/index.ts';
import { seconds, type Benchmark } from './harness.ts';
import { customersCsv, subscriberCells, SUBSCRIBER_HEADER } from './ingest-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/** `import` of one subscribers CSV end to end (decode, parse, map, validate, stage) against csv-parse alone on the same file. */
export const ingestCsv: Benchmark = {
  name: 'ingest-csv',
  description: `${ROWS.toLocaleString('en-US')}-row subscribers CSV: import end to end vs csv-parse streaming alone`,
  unit: 'rows/s',
  async run() {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-ingest-'));
    try {
      const inbox = path.join(home, 'inbox', 'bench');
      mkdirSync(inbox, { recursive: true });
      writeFileSync(
        path.join(home, 'rtm-batch.config.json'),
        JSON.stringify({ inbox: { stableSeconds: 0 } }),
      );
      writeFileSync(path.join(inbox, 'customers.csv'), customersCsv());
      const file = path.join(home, 'subscribers-source.csv');
      await writeSubscribersCsv(file);

      const baselineSeconds = await seconds(async () => {
        let n = 0;
        for await (const _record of createReadStream(file).pipe(
          parse({ bom: true, record_delimiter: ['\r\n', '\n', '\r'] }),
        ))
          n++;
        if (n !== ROWS + 1) throw new Error(`csv-parse read ${n} records`);
      });

      // Customers first, in a run of their own, so the measured run is the subscribers file alone.
      const loaded = loadConfig({ home, env: {}, cwd: home });
      if (!loaded.config) throw new Error(loaded.errors.join('\n'));
      const app = await openApp(loaded.config, { quiet: true });
      const opts = { dryRun: false, partner: null, signal: new AbortController().signal };
      try {
        await importJob(app, opts);
        const { renameSync } = await import('node:fs');
        renameSync(file, path.join(inbox, 'subscribers.csv'));
        let accepted = 0;
        const ourSeconds = await seconds(async () => {
          const summary = await importJob(app, opts);
          accepted = summary.rows.accepted;
        });
        if (accepted !== ROWS) throw new Error(`import accepted ${accepted} of ${ROWS} rows`);
        return {
          value: ROWS / ourSeconds,
          baseline: 'csv-parse streaming alone',
          baselineValue: ROWS / baselineSeconds,
          details: {
            rows: ROWS,
            importSeconds: ourSeconds.toFixed(2),
            csvParseSeconds: baselineSeconds.toFixed(2),
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
