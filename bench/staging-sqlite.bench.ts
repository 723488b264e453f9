import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seconds, type Benchmark } from './harness.ts';
import { csvParseAlone, CUSTOMERS, writeSubscribersCsv } from './ingest-data.ts';
import { benchLedger, stageFileRows } from './staging-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/**
 * The floor under `ingest-csv` on SQLite: the accepted rows of the same subscribers file staged
 * alone (row outcomes and desired state, through the import's own stageRows, one transaction, the
 * next batch built while SQLite stages the last), with no reading or checking at all, against
 * csv-parse alone streaming that file. Its ratio is the most ingest-csv's ratio can reach here
 * with this schema, however fast the rest of the import gets.
 */
export const stagingSqlite: Benchmark = {
  name: 'staging-sqlite',
  description: `${ROWS.toLocaleString('en-US')} accepted subscriber rows staged into SQLite alone vs csv-parse streaming the same rows as CSV`,
  unit: 'rows/s',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-stage-'));
    try {
      const csv = path.join(dir, 'subscribers.csv');
      await writeSubscribersCsv(csv, ROWS);
      const baselineSeconds = await seconds(() => csvParseAlone(csv, ROWS));
      if (CUSTOMERS > ROWS) throw new Error('fewer rows than customers');
      const db = await benchLedger({
        client: 'sqlite3',
        connection: path.join(dir, 'ledger.sqlite'),
      });
      let stageSeconds: number;
      try {
        stageSeconds = await seconds(() =>
          stageFileRows(db, { name: 'subscribers.csv', rows: ROWS }),
        );
      } finally {
        await db.destroy();
      }
      return {
        value: ROWS / stageSeconds,
        baseline: 'csv-parse streaming alone',
        baselineValue: ROWS / baselineSeconds,
        details: {
          rows: ROWS,
          stageSeconds: stageSeconds.toFixed(2),
          csvParseSeconds: baselineSeconds.toFixed(2),
          microsecondsPerRow: ((stageSeconds / ROWS) * 1e6).toFixed(1),
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
