// What the staging benchmarks share: the accepted subscriber rows as the import hands them to
// staging, a ledger prepared for them, and one file's rows staged in one transaction.
import os from 'node:os';
import { hashDesired } from '../src/rules/index.ts';
import {
  beginFile,
  ensurePartner,
  finishFile,
  migrateDb,
  openDb,
  releaseStatements,
  stageRows,
  type Db,
  type FileRecord,
  type StagedRow,
} from '../src/store/index.ts';
import type { DatabaseConfig } from '../src/config/index.ts';
import { subscriberCells } from './ingest-data.ts';

/** Rows the benchmarks hand stageRows at a time, as the import does. */
export const BATCH = 1000;

/**
 * Subscriber row i as the import hands it to staging: accepted, with its document and hash.
 * `customerPrefix` names another set of customers (another customer's million).
 */
export function stagedRow(i: number, customerPrefix = 'cust-'): StagedRow {
  const cells = subscriberCells(i) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const [, email, firstName, lastName, pkg, admin, phoneNumber, extension] = cells;
  const customer = cells[0].replace(/^cust-/, customerPrefix);
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
    entityKey: `${customer}/${email}`, // as the run rules key a user
    issues: [],
    desired: { action: 'upsert', hash: hashDesired(doc), doc, customerExternalId: customer, email },
  };
}

/** A migrated ledger with the bench partner and run in it. */
export async function benchLedger(config: DatabaseConfig, searchPath?: string): Promise<Db> {
  const db = openDb(config, searchPath ? { searchPath } : {});
  await migrateDb(db);
  const now = new Date().toISOString();
  await ensurePartner(db, 'bench', 'en', now);
  await db('runs').insert({
    ...{ id: 'bench-run', job: 'import', status: 'running', dry_run: false },
    ...{ started_at: now, host: os.hostname(), pid: process.pid },
  });
  return db;
}

/**
 * Stages rows [0, rows) as one processed file in one transaction, the next batch built while the
 * database stages the last, as the import does. `onProgress(staged)` is called after each batch
 * has been staged (its time included in what it measures).
 */
export async function stageFileRows(
  db: Db,
  opts: {
    name: string;
    rows: number;
    customerPrefix?: string;
    onProgress?: (staged: number) => void;
  },
): Promise<void> {
  const now = new Date().toISOString();
  const record: FileRecord = {
    ...{ partner: 'bench', runId: 'bench-run', name: opts.name, sha256: opts.name },
    ...{ size: 0, format: 'csv', encoding: 'utf-8', status: 'processed', code: null },
    ...{ message: null, storedPath: null, duplicateOf: null, details: null, now },
  };
  const trx = await db.transaction();
  try {
    const fileId = await beginFile(trx, record);
    let staging: Promise<void> = Promise.resolve();
    for (let start = 0; start < opts.rows; start += BATCH) {
      const batch: StagedRow[] = [];
      const end = Math.min(opts.rows, start + BATCH);
      for (let i = start; i < end; i++) batch.push(stagedRow(i, opts.customerPrefix));
      await staging;
      opts.onProgress?.(start);
      staging = stageRows(trx, record, fileId, batch);
    }
    await staging;
    opts.onProgress?.(opts.rows);
    await finishFile(trx, fileId, { total: opts.rows, accepted: opts.rows, rejected: 0 });
    await releaseStatements(trx);
    await trx.commit();
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
    throw err;
  }
}
