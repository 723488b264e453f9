import type { Tx } from './db.ts';

/** Rows per multi-row INSERT: knex's SQLite dialect allows at most 500 terms per compound SELECT. */
export const INSERT_CHUNK = 200;

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

/** The processed file with these bytes for a partner, if any. */
export async function findProcessedFile(
  db: Tx,
  partner: string,
  sha256: string,
): Promise<{ id: number; name: string; createdAt: string } | null> {
  const row = (await db('files')
    .where({ partner_id: partner, sha256, status: 'processed' })
    .first('id', 'name', 'created_at')) as
    { id: number; name: string; created_at: string } | undefined;
  return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
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
  const accepted = rows.filter((r) => r.desired).length;
  const counts = { total: rows.length, accepted, rejected: rows.length - accepted };
  const [inserted] = (await db('files').insert(fileRow(file, counts)).returning('id')) as {
    id: number;
  }[];
  const fileId = (inserted as { id: number }).id;

  for (const chunk of chunks(rows)) {
    await db('row_outcomes').insert(
      chunk.map((r) => ({
        file_id: fileId,
        run_id: file.runId,
        partner_id: file.partner,
        sheet: r.sheet,
        row_number: r.row,
        kind: r.kind,
        entity_key: r.entityKey,
        outcome: r.desired ? 'accepted' : 'rejected',
        updated_at: file.now,
      })),
    );
  }
  const ids = new Map<string, number>();
  const outcomeRows = (await db('row_outcomes')
    .where({ file_id: fileId })
    .select('id', 'sheet', 'row_number')) as {
    id: number;
    sheet: string;
    row_number: number;
  }[];
  for (const o of outcomeRows) ids.set(`${o.sheet}\u0000${o.row_number}`, o.id);
  const idOf = (r: StagedRow) => ids.get(`${r.sheet}\u0000${r.row}`) ?? null;

  const issueRows = rows.flatMap((r) =>
    r.issues.map((i) => ({
      file_id: fileId,
      row_outcome_id: idOf(r),
      run_id: file.runId,
      partner_id: file.partner,
      sheet: r.sheet,
      row_number: r.row,
      column: i.column,
      value: i.value,
      code: i.code,
      params: JSON.stringify(i.params),
      message: i.message,
      created_at: file.now,
    })),
  );
  for (const chunk of chunks(issueRows)) await db('row_issues').insert(chunk);

  const desiredState = (r: StagedRow) => ({
    partner_id: file.partner,
    desired: JSON.stringify(r.desired?.doc),
    desired_hash: r.desired?.hash,
    desired_action: r.desired?.action,
    source_row_id: idOf(r),
    staged_run_id: file.runId,
    staged_at: file.now,
    created_at: file.now,
    updated_at: file.now,
  });
  const merged = [
    'desired',
    'desired_hash',
    'desired_action',
    'source_row_id',
    'staged_run_id',
    'staged_at',
    'updated_at',
  ];
  const customers = rows.filter((r) => r.desired && r.kind === 'customer');
  for (const chunk of chunks(customers)) {
    await db('customers')
      .insert(chunk.map((r) => ({ ...desiredState(r), external_id: r.entityKey })))
      .onConflict(['partner_id', 'external_id'])
      .merge(merged);
  }
  const subscribers = rows.filter((r) => r.desired && r.kind === 'subscriber');
  for (const chunk of chunks(subscribers)) {
    await db('subscribers')
      .insert(
        chunk.map((r) => ({
          ...desiredState(r),
          customer_external_id: r.desired?.customerExternalId,
          email: r.desired?.email,
        })),
      )
      .onConflict(['partner_id', 'customer_external_id', 'email'])
      .merge(merged);
  }
  return fileId;
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

function* chunks<T>(items: T[], size = INSERT_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
