import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seconds, type Benchmark } from './harness.ts';
import { csvParseAlone, importDetails, measureImport, writeSubscribersCsv } from './ingest-data.ts';
import { stagePg, withPgSchema } from './staging-pg.bench.ts';
import { benchLedger, stageFileRows } from './staging-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/**
 * `import` of one subscribers CSV end to end (decode, parse, map, check, stage, results file)
 * against its floor measured in the same run: the same rows, accepted, staged alone into SQLite
 * (what `staging-sqlite` measures). Its ratio to csv-parse alone is printed too. With
 * DATABASE_URL set, the same import into PostgreSQL (a schema of its own) against the same rows
 * staged alone there.
 */
export const ingestCsv: Benchmark = {
  name: 'ingest-csv',
  description: `${ROWS.toLocaleString('en-US')}-row subscribers CSV: import end to end vs the same rows staged alone (SQLite)`,
  unit: 'rows/s',
  async run() {
    const source = {
      rows: ROWS,
      extension: '.csv' as const,
      write: (file: string) => writeSubscribersCsv(file, ROWS),
      baseline: (file: string) => csvParseAlone(file, ROWS),
    };
    const measured = await measureImport(source);
    const floorSeconds = await stageSqliteAlone(ROWS);
    const value = ROWS / measured.importSeconds;
    const csvParse = ROWS / measured.baselineSeconds;
    const details: Record<string, string | number> = {
      rows: ROWS,
      ...importDetails(measured),
      stagingSeconds: floorSeconds.toFixed(2),
      csvParseRowsPerSecond: Math.round(csvParse),
      csvParseRatio: (value / csvParse).toFixed(3),
      csvParseSeconds: measured.baselineSeconds.toFixed(2),
      csvParseRuns: measured.baselineRuns,
    };
    const url = process.env.DATABASE_URL;
    if (url) {
      const pg = await withPgSchema(url, (schema) =>
        measureImport({ ...source, database: { client: 'pg', connection: inSchema(url, schema) } }),
      );
      const pgFloorSeconds = await stagePg(url, ROWS);
      details.pgImportRowsPerSecond = Math.round(ROWS / pg.importSeconds);
      details.pgStagingRowsPerSecond = Math.round(ROWS / pgFloorSeconds);
      details.pgRatio = (pgFloorSeconds / pg.importSeconds).toFixed(3);
      details.pgPeakRssMB = pg.peakRssMB.toFixed(0);
    }
    return {
      peakRssMB: measured.peakRssMB,
      value,
      baseline: 'the same rows staged alone into SQLite',
      baselineValue: ROWS / floorSeconds,
      details,
    };
  },
};

/** Seconds the rows take staged alone into a fresh SQLite ledger (the staging-sqlite floor). */
export async function stageSqliteAlone(rows: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-floor-'));
  try {
    const db = await benchLedger({
      client: 'sqlite3',
      connection: path.join(dir, 'ledger.sqlite'),
    });
    try {
      return await seconds(() => stageFileRows(db, { name: 'subscribers.csv', rows }));
    } finally {
      await db.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** DATABASE_URL with its search_path set to `schema` (node-postgres passes `options` on). */
function inSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
