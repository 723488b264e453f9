// A leaf module with no imports of its own: the crash tests' fault injection.
import { crashPoint } from '../faults/index.ts';
import type { Knex } from 'knex';
import type { Tx } from './db.ts';

export interface StagedIssue {
  column: string | null;
  value: string | null;
  code: string;
  params: Record<string, string | number>;
  message: string;
}

export interface StagedRow {
  sheet: string;
  row: number;
  kind: 'customer' | 'subscriber';
  entityKey: string | null;
  issues: StagedIssue[];
  /** Present when the row was accepted. */
  desired?: {
    action: 'upsert' | 'delete';
    hash: string;
    doc: unknown;
    customerExternalId?: string;
    email?: string;
  };
}

export interface FileRecord {
  partner: string;
  runId: string;
  name: string;
  sha256: string | null;
  size: number | null;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  status: 'processed' | 'duplicate' | 'quarantined' | 'skipped';
  code: string | null;
  message: string | null;
  storedPath: string | null;
  duplicateOf: number | null;
  details: unknown;
  now: string;
}

/** Makes sure a partner row exists. */
export async function ensurePartner(
  db: Tx,
  id: string,
  locale: string,
  now: string,
): Promise<void> {
  await db('partners')
    .insert({ id, locale, created_at: now, updated_at: now })
    .onConflict('id')
    .merge(['locale', 'updated_at']);
}

/** A processed file as the import finds it again: by its bytes, or because it was never archived. */
export interface ProcessedFile {
  id: number;
  runId: string;
  name: string;
  sha256: string;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  /** Null while the run that committed its rows has not archived it (or died first). */
  storedPath: string | null;
  rows: { total: number; accepted: number; rejected: number };
  createdAt: string;
}

const PROCESSED_FILE_COLUMNS = [
  'id',
  'run_id',
  'name',
  'sha256',
  'format',
  'encoding',
  'stored_path',
  'rows_total',
  'rows_accepted',
  'rows_rejected',
  'created_at',
];

function processedFile(row: Record<string, unknown>): ProcessedFile {
  return {
    id: Number(row.id),
    runId: row.run_id as string,
    name: row.name as string,
    sha256: row.sha256 as string,
    format: (row.format as ProcessedFile['format']) ?? null,
    encoding: (row.encoding as string | null) ?? null,
    storedPath: (row.stored_path as string | null) ?? null,
    rows: {
      total: Number(row.rows_total),
      accepted: Number(row.rows_accepted),
      rejected: Number(row.rows_rejected),
    },
    createdAt: row.created_at as string,
  };
}

/** The processed file with these bytes for a partner, if any. */
export async function findProcessedFile(
  db: Tx,
  partner: string,
  sha256: string,
): Promise<ProcessedFile | null> {
  const row = (await db('files')
    .where({ partner_id: partner, sha256, status: 'processed' })
    .first(PROCESSED_FILE_COLUMNS)) as Record<string, unknown> | undefined;
  return row ? processedFile(row) : null;
}

/**
 * A partner's processed files that an earlier run committed and never archived: it died between
 * the COMMIT and recording where the file went (the import finishes them).
 */
export async function listUnarchivedFiles(
  db: Tx,
  partner: string,
  exceptRun: string,
): Promise<ProcessedFile[]> {
  const rows = (await db('files')
    .where({ partner_id: partner, status: 'processed' })
    .whereNull('stored_path')
    .whereNot({ run_id: exceptRun })
    .orderBy('id')
    .select(PROCESSED_FILE_COLUMNS)) as Record<string, unknown>[];
  return rows.map(processedFile);
}

/** Records a file that was not processed (duplicate, quarantined, skipped). */
export async function recordFile(db: Tx, file: FileRecord): Promise<number> {
  const [row] = (await db('files')
    .insert(fileRow(file, { total: 0, accepted: 0, rejected: 0 }))
    .returning('id')) as { id: number }[];
  return (row as { id: number }).id;
}

/** Where a file's path on disk changed after it was recorded. */
export async function setStoredPath(db: Tx, fileId: number, storedPath: string): Promise<void> {
  await db('files').where({ id: fileId }).update({ stored_path: storedPath });
}

/**
 * Records a processed file, every row's outcome and issues, and the accepted rows' desired state,
 * in the caller's transaction, with multi-row inserts.
 */
export async function stageFile(db: Tx, file: FileRecord, rows: StagedRow[]): Promise<number> {
  // Staging on SQLite works on a transaction's connection: given none, the file gets its own.
  if (!(db as { isTransaction?: boolean }).isTransaction)
    return (db as Knex).transaction((trx) => stageFile(trx, file, rows));
  const fileId = await beginFile(db, file);
  for (const chunk of chunks(rows)) await stageRows(db, file, fileId, chunk);
  const accepted = rows.filter((r) => r.desired).length;
  await finishFile(db, fileId, { total: rows.length, accepted, rejected: rows.length - accepted });
  await releaseStatements(db);
  return fileId;
}

/** Records a processed file whose rows follow in batches (stageRows); its counts come last. */
export async function beginFile(db: Tx, file: FileRecord): Promise<number> {
  const [inserted] = (await db('files')
    .insert(fileRow(file, { total: 0, accepted: 0, rejected: 0 }))
    .returning('id')) as { id: number }[];
  return (inserted as { id: number }).id;
}

/** A processed file's row counts, and its details when they are known only at the end. */
export async function finishFile(
  db: Tx,
  fileId: number,
  rows: { total: number; accepted: number; rejected: number },
  details?: unknown,
): Promise<void> {
  await db('files')
    .where({ id: fileId })
    .update({
      rows_total: rows.total,
      rows_accepted: rows.accepted,
      rows_rejected: rows.rejected,
      ...(details === undefined ? {} : { details: JSON.stringify(details) }),
    });
}

const OUTCOME_COLUMNS = [
  'file_id',
  'run_id',
  'partner_id',
  'sheet',
  'row_number',
  'kind',
  'entity_key',
  'outcome',
  'updated_at',
];
const ISSUE_COLUMNS = [
  'file_id',
  'row_outcome_id',
  'run_id',
  'partner_id',
  'sheet',
  'row_number',
  'column',
  'value',
  'code',
  'params',
  'message',
  'created_at',
];
const DESIRED_COLUMNS = [
  'partner_id',
  'desired',
  'desired_hash',
  'desired_action',
  'source_row_id',
  'staged_run_id',
  'staged_at',
  'created_at',
  'updated_at',
];
/** What a new accepted row replaces in an existing customer or subscriber: its desired state only. */
const DESIRED_UPDATE = [
  'desired',
  'desired_hash',
  'desired_action',
  'source_row_id',
  'staged_run_id',
  'staged_at',
  'updated_at',
];

/**
 * Stages one batch of a file's rows (at most STAGE_BATCH): outcomes, issues and desired state, one
 * multi-row statement per table. Statements are written out here rather than through the query
 * builder, which costs more than the database at this volume (../shared/notes/performance.md).
 */
export async function stageRows(
  db: Tx,
  file: FileRecord,
  fileId: number,
  rows: StagedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const sqlite = await sqliteConnection(db);
  if (sqlite) await stageRowsOnSqlite(sqlite, file, fileId, rows);
  else if (dialect(db) === 'sqlite3') throw new Error('stageRows on SQLite needs a transaction');
  else await stageRowsOnPg(db, file, fileId, rows);
  crashPoint('rows-staged');
}

/**
 * stageRows inside a SQLite transaction. node-sqlite3 binds each parameter on the main thread, and
 * a batch of 500 rows has about 10,000 of them: binding took longer than checking the rows. Here
 * each statement takes the batch as one JSON text (rows as arrays) and SQLite unpacks it with
 * json_each on its own thread; the constants of the file are bound once, and each row finds its
 * outcome's id through the (file_id, sheet, row_number) index instead of a RETURNING round trip.
 */
async function stageRowsOnSqlite(
  conn: SqliteDatabase,
  file: FileRecord,
  fileId: number,
  rows: StagedRow[],
): Promise<void> {
  const constants = [fileId, file.runId, file.partner, file.now];
  const outcomes = rows.map((r) => [
    r.sheet,
    r.row,
    r.kind,
    r.entityKey,
    r.desired ? 'accepted' : 'rejected',
  ]);
  await sqliteAll(conn, SQLITE_OUTCOMES, [...constants, JSON.stringify(outcomes)]);

  const issues: unknown[][] = [];
  for (const r of rows)
    for (const i of r.issues)
      issues.push([r.sheet, r.row, i.column, i.value, i.code, JSON.stringify(i.params), i.message]);
  if (issues.length) await sqliteAll(conn, SQLITE_ISSUES, [...constants, JSON.stringify(issues)]);

  const customers = lastCustomers(rows);
  if (customers.length)
    await sqliteAll(conn, SQLITE_CUSTOMERS, [
      ...constants,
      JSON.stringify(customers.map((r) => desired(r, r.entityKey))),
    ]);
  const subscribers = lastByKey(
    rows.filter((r) => r.desired && r.kind === 'subscriber'),
    (r) => `${r.desired?.customerExternalId}\u0000${r.desired?.email}`,
  );
  if (subscribers.length)
    await sqliteAll(conn, SQLITE_SUBSCRIBERS, [
      ...constants,
      JSON.stringify(
        subscribers.map((r) => desired(r, r.desired?.customerExternalId, r.desired?.email)),
      ),
    ]);
}

// ?1 file id, ?2 run id, ?3 partner, ?4 now, ?5 the batch as a JSON array of row arrays.
// `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
const OUTCOME_OF = (sheet: string, row: string) =>
  `(SELECT id FROM "row_outcomes" WHERE "file_id" = ?1 AND "sheet" = ${sheet} AND "row_number" = ${row})`;
const SQLITE_OUTCOMES = `INSERT INTO "row_outcomes" (${OUTCOME_COLUMNS.map(quote).join(', ')})
  SELECT ?1, ?2, ?3, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, ?4
  FROM json_each(?5) AS j`;
const SQLITE_ISSUES = `INSERT INTO "row_issues" (${ISSUE_COLUMNS.map(quote).join(', ')})
  SELECT ?1, ${OUTCOME_OF('j.value ->> 0', 'j.value ->> 1')}, ?2, ?3, j.value ->> 0, j.value ->> 1,
    j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6, ?4
  FROM json_each(?5) AS j`;
const SQLITE_DESIRED = (table: string, keys: string[]) =>
  `INSERT INTO "${table}" (${[...DESIRED_COLUMNS, ...keys].map(quote).join(', ')})
  SELECT ?3, j.value ->> 0, j.value ->> 1, j.value ->> 2, ${OUTCOME_OF('j.value ->> 3', 'j.value ->> 4')},
    ?2, ?4, ?4, ?4, ${keys.map((_, i) => `j.value ->> ${5 + i}`).join(', ')}
  FROM json_each(?5) AS j WHERE true ${upsertTail(['partner_id', ...keys])}`;
const SQLITE_CUSTOMERS = SQLITE_DESIRED('customers', ['external_id']);
const SQLITE_SUBSCRIBERS = SQLITE_DESIRED('subscribers', ['customer_external_id', 'email']);

/**
 * stageRows on PostgreSQL: one statement per table and batch, each column of the batch bound as one
 * array and unpacked by unnest, so a statement has a dozen parameters whatever the batch size
 * (a multi-row VALUES had one per cell: ~59k rows/s against ~105k, ../shared/notes/performance.md).
 * As on SQLite, each row finds its outcome's id through the (file_id, sheet, row_number) index.
 */
async function stageRowsOnPg(
  db: Tx,
  file: FileRecord,
  fileId: number,
  rows: StagedRow[],
): Promise<void> {
  const constants = [fileId, file.runId, file.partner, file.now];
  await pgRun(db, PG_OUTCOMES, [
    ...constants,
    ...columnsOf(rows, (r) => [
      r.sheet,
      r.row,
      r.kind,
      r.entityKey,
      r.desired ? 'accepted' : 'rejected',
    ]),
  ]);
  const issues = rows.flatMap((r) =>
    r.issues.map((i) => [
      r.sheet,
      r.row,
      i.column,
      i.value,
      i.code,
      JSON.stringify(i.params),
      i.message,
    ]),
  );
  if (issues.length) await pgRun(db, PG_ISSUES, [...constants, ...columnsOf(issues, (i) => i)]);
  const customers = lastCustomers(rows);
  if (customers.length)
    await pgRun(db, PG_CUSTOMERS, [
      ...constants,
      ...columnsOf(customers, (r) => desired(r, r.entityKey)),
    ]);
  const subscribers = lastByKey(
    rows.filter((r) => r.desired && r.kind === 'subscriber'),
    (r) => `${r.desired?.customerExternalId}\u0000${r.desired?.email}`,
  );
  if (subscribers.length)
    await pgRun(db, PG_SUBSCRIBERS, [
      ...constants,
      ...columnsOf(subscribers, (r) => desired(r, r.desired?.customerExternalId, r.desired?.email)),
    ]);
}

/** A statement with positional bindings, arrays among them (pg sends each as one array value). */
async function pgRun(db: Tx, sql: string, bindings: unknown[]): Promise<void> {
  await db.raw(sql, bindings as never[]);
}

/** The batch turned column-wise: one array per column, for unnest. */
function columnsOf<T>(items: T[], cells: (item: T) => unknown[]): unknown[][] {
  const columns: unknown[][] = [];
  for (const item of items) cells(item).forEach((v, c) => (columns[c] ??= []).push(v ?? null));
  return columns;
}

// knex numbers the ? in order: the constants (file id, run id, partner, now) come first, then one
// array per column. Types are spelled out: a parameter in a SELECT list has none of its own.
const PG_CONSTANTS = `c AS (SELECT ?::bigint AS file_id, ?::text AS run_id, ?::text AS partner_id, ?::text AS now)`;
const PG_OUTCOME_OF = `(SELECT o.id FROM "row_outcomes" o WHERE o."file_id" = c.file_id AND o."sheet" = u.sheet AND o."row_number" = u.row_number)`;
const PG_OUTCOMES = `WITH ${PG_CONSTANTS}
  INSERT INTO "row_outcomes" (${OUTCOME_COLUMNS.map(quote).join(', ')})
  SELECT c.file_id, c.run_id, c.partner_id, u.sheet, u.row_number, u.kind, u.entity_key, u.outcome, c.now
  FROM c, unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[])
    AS u(sheet, row_number, kind, entity_key, outcome)`;
const PG_ISSUES = `WITH ${PG_CONSTANTS}
  INSERT INTO "row_issues" (${ISSUE_COLUMNS.map(quote).join(', ')})
  SELECT c.file_id, ${PG_OUTCOME_OF}, c.run_id, c.partner_id, u.sheet, u.row_number, u."column",
    u.value, u.code, u.params, u.message, c.now
  FROM c, unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
    AS u(sheet, row_number, "column", value, code, params, message)`;
const PG_DESIRED = (table: string, keys: string[]) => `WITH ${PG_CONSTANTS}
  INSERT INTO "${table}" (${[...DESIRED_COLUMNS, ...keys].map(quote).join(', ')})
  SELECT c.partner_id, u.desired, u.hash, u.action, ${PG_OUTCOME_OF}, c.run_id, c.now, c.now, c.now,
    ${keys.map((k) => `u.${k}`).join(', ')}
  FROM c, unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ${keys.map(() => '?::text[]').join(', ')})
    AS u(desired, hash, action, sheet, row_number, ${keys.join(', ')})
  ${upsertTail(['partner_id', ...keys])}`;
const PG_CUSTOMERS = PG_DESIRED('customers', ['external_id']);
const PG_SUBSCRIBERS = PG_DESIRED('subscribers', ['customer_external_id', 'email']);

/** Rows a batch stages per statement: within SQLite's and PostgreSQL's bind-parameter limits. */
export const STAGE_BATCH = 500;

function upsertTail(key: string[]): string {
  const set = DESIRED_UPDATE.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ');
  return `ON CONFLICT (${key.map(quote).join(', ')}) DO UPDATE SET ${set}`;
}

/** The parts of node-sqlite3 used for prepared statements. */
interface SqliteStatement {
  all(params: unknown[], callback: (err: Error | null, rows: unknown[]) => void): void;
  finalize(callback?: () => void): void;
}
interface SqliteDatabase {
  prepare(sql: string, callback: (err: Error | null) => void): SqliteStatement;
}

/**
 * The SQLite connection a transaction holds, or null on PostgreSQL. knex prepares, binds and
 * finalizes a statement per call, which at 500 rows and 4,500 parameters costs more than the
 * insert itself; staging keeps one prepared statement per shape for the transaction instead.
 */
async function sqliteConnection(db: Tx): Promise<SqliteDatabase | null> {
  if (dialect(db) !== 'sqlite3' || !(db as { isTransaction?: boolean }).isTransaction) return null;
  const client = (db as unknown as { client: { acquireConnection(): Promise<unknown> } }).client;
  return (await client.acquireConnection()) as SqliteDatabase;
}

function dialect(db: Tx): string {
  return (db as unknown as { client: { dialect: string } }).client.dialect;
}

const statements = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

function sqliteAll(conn: SqliteDatabase, sql: string, params: unknown[]): Promise<unknown[]> {
  let cache = statements.get(conn);
  if (!cache) statements.set(conn, (cache = new Map<string, SqliteStatement>()));
  return new Promise((resolve, reject) => {
    let stmt = cache.get(sql);
    const run = (s: SqliteStatement) =>
      s.all(params, (err, rows) => (err ? reject(err) : resolve(rows)));
    if (stmt) return run(stmt);
    stmt = conn.prepare(sql, (err) => {
      if (err) reject(err);
    });
    // A few shapes per file (a full batch per table, and the last, shorter one).
    if (cache.size > 16) {
      for (const old of cache.values()) old.finalize();
      cache.clear();
    }
    cache.set(sql, stmt);
    run(stmt);
  });
}

/** Finalizes the statements staging prepared on a transaction's connection (end of a file). */
export async function releaseStatements(db: Tx): Promise<void> {
  const conn = await sqliteConnection(db);
  const cache = conn && statements.get(conn);
  if (!cache) return;
  await Promise.all(
    [...cache.values()].map((s) => new Promise<void>((r) => s.finalize(() => r()))),
  );
  cache.clear();
}

function quote(identifier: string): string {
  return `"${identifier}"`;
}

/** A staged row's desired-state columns, then its key columns (the shape both databases bind). */
function desired(r: StagedRow, ...key: unknown[]): unknown[] {
  return [
    JSON.stringify(r.desired?.doc),
    r.desired?.hash,
    r.desired?.action,
    r.sheet,
    r.row,
    ...key,
  ];
}

/** A batch's customers with a desired state, the last row of each key winning. */
function lastCustomers(rows: readonly StagedRow[]): StagedRow[] {
  return lastByKey(
    rows.filter((r) => r.desired && r.kind === 'customer'),
    (r) => r.entityKey ?? '',
  );
}

/** One row per key, the last one: a multi-row upsert may not touch the same row twice. */
function lastByKey<T>(rows: T[], key: (r: T) => string): T[] {
  if (rows.length < 2) return rows;
  const byKey = new Map<string, T>();
  for (const r of rows) byKey.set(key(r), r);
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

function fileRow(file: FileRecord, rows: { total: number; accepted: number; rejected: number }) {
  return {
    partner_id: file.partner,
    run_id: file.runId,
    name: file.name,
    sha256: file.sha256,
    size: file.size,
    format: file.format,
    encoding: file.encoding,
    status: file.status,
    code: file.code,
    message: file.message,
    stored_path: file.storedPath,
    duplicate_of: file.duplicateOf,
    rows_total: rows.total,
    rows_accepted: rows.accepted,
    rows_rejected: rows.rejected,
    details: JSON.stringify(file.details ?? null),
    created_at: file.now,
  };
}

function* chunks<T>(items: T[], size = STAGE_BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
