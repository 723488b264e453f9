import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashDesired } from '../src/rules/index.ts';
import {
  beginFile,
  ensurePartner,
  migrateDb,
  openDb,
  releaseStatements,
  stageRows,
  type FileRecord,
  type StagedRow,
} from '../src/store/index.ts';
import { seconds, type Benchmark } from './harness.ts';
import { csvParseAlone, CUSTOMERS, subscriberCells, writeSubscribersCsv } from './ingest-data.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = 1000;

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
      const stageSeconds = await stageAll(path.join(dir, 'ledger.sqlite'));
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

/** Subscriber row i as the import hands it to staging: accepted, with its document and hash. */
function stagedRow(i: number): StagedRow {
  const [customer, email, firstName, lastName, pkg, admin, phoneNumber, extension] =
    subscriberCells(i) as [string, string, string, string, string, string, string, string];
  const doc = {
    customerExternalId: customer,
    email,
    action: 'upsert',
    firstName,
    lastName,
    package: pkg,
    isAdmin: admin === 'yes',
    phoneNumber,
    extension,
  };
  return {
    sheet: '',
    row: i + 2,
    kind: 'subscriber',
    entityKey: `${customer}\u0000${email}`,
    issues: [],
    desired: { action: 'upsert', hash: hashDesired(doc), doc, customerExternalId: customer, email },
  };
}

async function stageAll(file: string): Promise<number> {
  const db = openDb({ client: 'sqlite3', connection: file });
  try {
    await migrateDb(db);
    const now = new Date().toISOString();
    await ensurePartner(db, 'bench', 'en', now);
    await db('runs').insert({
      ...{ id: 'bench-run', job: 'import', status: 'running', dry_run: false },
      ...{ started_at: now, host: os.hostname(), pid: process.pid },
    });
    const record: FileRecord = {
      ...{ partner: 'bench', runId: 'bench-run', name: 'subscribers.csv', sha256: 'bench' },
      ...{ size: 0, format: 'csv', encoding: 'utf-8', status: 'processed', code: null },
      ...{ message: null, storedPath: null, duplicateOf: null, details: null, now },
    };
    if (CUSTOMERS > ROWS) throw new Error('fewer rows than customers');
    return await seconds(async () => {
      const trx = await db.transaction();
      const fileId = await beginFile(trx, record);
      let staging: Promise<void> = Promise.resolve();
      for (let start = 0; start < ROWS; start += BATCH) {
        const batch: StagedRow[] = [];
        for (let i = start; i < Math.min(ROWS, start + BATCH); i++) batch.push(stagedRow(i));
        await staging;
        staging = stageRows(trx, record, fileId, batch);
      }
      await staging;
      await releaseStatements(trx);
      await trx.commit();
    });
  } finally {
    await db.destroy();
  }
}
