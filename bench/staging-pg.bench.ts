import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { seconds, type Benchmark } from './harness.ts';
import { csvParseAlone, writeSubscribersCsv } from './ingest-data.ts';
import { benchLedger, stageFileRows } from './staging-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

/**
 * The floor under `ingest-csv` on PostgreSQL (DATABASE_URL): the same accepted subscriber rows
 * staged alone through stageRows into a fresh schema, against csv-parse alone on the same rows
 * as CSV. Listed only when DATABASE_URL is set.
 */
export const stagingPg: Benchmark = {
  name: 'staging-pg',
  description: `${ROWS.toLocaleString('en-US')} accepted subscriber rows staged into PostgreSQL (DATABASE_URL) alone vs csv-parse streaming the same rows as CSV`,
  unit: 'rows/s',
  async run() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('staging-pg needs DATABASE_URL');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rtm-bench-stage-pg-'));
    try {
      const csv = path.join(dir, 'subscribers.csv');
      await writeSubscribersCsv(csv, ROWS);
      const baselineSeconds = await seconds(() => csvParseAlone(csv, ROWS));
      const stageSeconds = await stagePg(url, ROWS);
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

/** Seconds staging `rows` rows takes in a schema of its own on DATABASE_URL (dropped after). */
export async function stagePg(url: string, rows: number): Promise<number> {
  return withPgSchema(url, async (schema) => {
    const db = await benchLedger({ client: 'pg', connection: url }, schema);
    try {
      return await seconds(() => stageFileRows(db, { name: 'subscribers.csv', rows }));
    } finally {
      await db.destroy();
    }
  });
}

/** Runs `fn` with a fresh schema on DATABASE_URL, dropped afterwards. */
export async function withPgSchema<T>(url: string, fn: (schema: string) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  try {
    await admin.raw(`CREATE SCHEMA ${schema}`);
    try {
      return await fn(schema);
    } finally {
      await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
    }
  } finally {
    await admin.destroy();
  }
}
