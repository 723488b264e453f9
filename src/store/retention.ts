import type { Db, Tx } from './db.ts';
import { OPEN_STATUSES } from './outbox.ts';

/** A processed file nothing needs any more (listRetiredFiles), as retention acts on it. */
export interface RetiredFile {
  id: number;
  partner: string;
  /** Its archived copy, relative to the workspace. */
  storedPath: string | null;
  /** Retention already removed its archived copy. */
  archivePruned: boolean;
  /** Its row outcomes are still in the ledger. */
  hasRows: boolean;
}

/** How many ids go into one `IN (…)` list. */
const BATCH = 500;

/**
 * The processed files recorded before `before` that nothing needs any more: no row of theirs is
 * the source of a customer's or subscriber's current state, nor of a change still open (an RPL
 * review Webex has not finished: its clearing rewrites the file's results), nor pending, nor
 * given a result since `before`. Nothing can change such a file's rows again (a later upload
 * brings rows of its own), so its results file is final and its archived copy unused.
 */
export async function listRetiredFiles(db: Tx, before: string): Promise<RetiredFile[]> {
  const files = (await db('files')
    .where({ status: 'processed' })
    .where('created_at', '<', before)
    .orderBy('id')
    .select('id', 'partner_id', 'stored_path', 'details')) as {
    id: number | string;
    partner_id: string;
    stored_path: string | null;
    details: string | null;
  }[];
  if (files.length === 0) return [];
  const held = new Set<number>();
  const hold = (rows: { file_id: number | string }[]) => {
    for (const r of rows) held.add(Number(r.file_id));
  };
  for (const table of ['customers', 'subscribers'])
    hold(
      (await db(`${table} as e`)
        .join('row_outcomes as o', 'o.id', 'e.source_row_id')
        .distinct('o.file_id')) as { file_id: number }[],
    );
  hold(
    (await db('changes as c')
      .join('row_outcomes as o', 'o.id', 'c.source_row_id')
      .whereIn('c.status', OPEN_STATUSES)
      .distinct('o.file_id')) as { file_id: number }[],
  );
  const free = files.map((f) => Number(f.id)).filter((id) => !held.has(id));
  const withRows = new Set<number>();
  for (let i = 0; i < free.length; i += BATCH) {
    const batch = free.slice(i, i + BATCH);
    const rowsOf = (q: Tx) =>
      q('row_outcomes as o').whereRaw('o.file_id = f.id').select(q.raw('1'));
    const busy = (await db('files as f')
      .whereIn('f.id', batch)
      .whereExists(
        rowsOf(db).where((w) => {
          void w.where('o.result', 'pending').orWhere('o.updated_at', '>=', before);
        }),
      )
      .pluck('f.id')) as (number | string)[];
    for (const id of busy) held.add(Number(id));
    const filled = (await db('files as f')
      .whereIn('f.id', batch)
      .whereExists(rowsOf(db))
      .pluck('f.id')) as (number | string)[];
    for (const id of filled) withRows.add(Number(id));
  }
  return files
    .filter((f) => !held.has(Number(f.id)))
    .map((f) => ({
      id: Number(f.id),
      partner: f.partner_id,
      storedPath: f.stored_path,
      archivePruned: Boolean(parseDetails(f.details).archivePrunedAt),
      hasRows: withRows.has(Number(f.id)),
    }));
}

/**
 * Records that retention removed a file's archived copy (`stored_path` stays: null there means a
 * run died before it archived the file). Its results file is not written again after this.
 */
export async function markArchivePruned(db: Tx, fileId: number, at: string): Promise<void> {
  const row = (await db('files').where({ id: fileId }).first('details')) as
    { details: string | null } | undefined;
  if (!row) return;
  const details = { ...parseDetails(row.details), archivePrunedAt: at };
  await db('files')
    .where({ id: fileId })
    .update({ details: JSON.stringify(details) });
}

/**
 * Deletes the row outcomes and issues of retired files (listRetiredFiles), detaching the finished
 * changes that came from those rows; the files' own records stay, so that a file sent again is
 * still known as a duplicate. A dry run deletes nothing. Returns the number of row outcomes.
 */
export async function deleteFileRows(
  db: Db,
  fileIds: readonly number[],
  dryRun: boolean,
): Promise<number> {
  let count = 0;
  for (let i = 0; i < fileIds.length; i += BATCH) {
    const batch = fileIds.slice(i, i + BATCH);
    if (dryRun) {
      const [n] = (await db('row_outcomes').whereIn('file_id', batch).count({ n: '*' })) as {
        n: number | string;
      }[];
      count += Number(n?.n ?? 0);
      continue;
    }
    count += await db.transaction(async (trx): Promise<number> => {
      const rows = trx('row_outcomes').whereIn('file_id', batch).select('id');
      // Only finished changes can point here (an open one holds its file); an open change left
      // pointing here makes the delete below fail, and the whole batch with it.
      await trx('changes')
        .whereIn('source_row_id', rows)
        .whereNotIn('status', OPEN_STATUSES)
        .update({ source_row_id: null });
      await trx('row_issues').whereIn('file_id', batch).del();
      return trx('row_outcomes').whereIn('file_id', batch).del();
    });
  }
  return count;
}

/** Runs that completed (what metrics call the last success). */
const COMPLETED = ['ok', 'attention', 'partial'];
/** Jobs that rewrite results files; resultsBehindSince reads their runs. */
const RESULTS_WRITERS = ['provision', 'nightly'];

/**
 * Deletes (or, in a dry run, counts) the finished runs started before `before` that nothing
 * reads: kept are each job's latest run, latest finished and latest completed run (status,
 * metrics), the latest complete results-writing run and every run after it (resultsBehindSince),
 * and the runs that recorded files or issues (a file's record is kept for ever; its row outcomes
 * carry the run id of the file's). Returns the number of runs.
 */
export async function pruneRuns(db: Db, before: string, dryRun: boolean): Promise<number> {
  const [floor] = (await db('runs')
    .whereIn('job', RESULTS_WRITERS)
    .whereIn('status', COMPLETED)
    .where({ dry_run: false })
    .whereNull('partner_filter')
    .max({ at: 'started_at' })) as { at: string | null }[];
  const until = floor?.at && floor.at < before ? floor.at : before;
  const latest = (q: Tx) => q('runs as l').whereRaw('l.job = r.job').max('l.started_at');
  const candidates = (await db('runs as r')
    .where('r.started_at', '<', until)
    .whereNotNull('r.finished_at')
    .whereNot('r.status', 'running')
    .whereNot('r.started_at', latest(db))
    .whereNot(
      'r.started_at',
      latest(db).where({ 'l.dry_run': false }).whereNotNull('l.finished_at'),
    )
    .whereNot(
      'r.started_at',
      latest(db).where({ 'l.dry_run': false }).whereIn('l.status', COMPLETED),
    )
    .whereNotExists(
      (q) => void q.select(db.raw('1')).from('files as f').whereRaw('f.run_id = r.id'),
    )
    .whereNotExists(
      (q) => void q.select(db.raw('1')).from('row_issues as i').whereRaw('i.run_id = r.id'),
    )
    .pluck('r.id')) as string[];
  if (!dryRun)
    for (let i = 0; i < candidates.length; i += BATCH)
      await db('runs')
        .whereIn('id', candidates.slice(i, i + BATCH))
        .del();
  return candidates.length;
}

/**
 * Deletes (or counts) the finished schedule fires due before `before`, keeping each job's latest
 * (catch-up and status read it) and any fire still running or interrupted (the next start
 * finishes it). Returns the number of fires.
 */
export async function pruneScheduleFires(db: Db, before: string, dryRun: boolean): Promise<number> {
  const old = () =>
    db('schedule_fires as s')
      .where('s.scheduled_at', '<', before)
      .whereIn('s.status', ['done', 'skipped', 'failed'])
      .where(
        's.scheduled_at',
        '<',
        db('schedule_fires as l').whereRaw('l.job = s.job').max('l.scheduled_at'),
      );
  const [n] = (await old().count({ n: '*' })) as { n: number | string }[];
  const count = Number(n?.n ?? 0);
  if (!dryRun && count > 0)
    await db('schedule_fires')
      .whereIn(['job', 'scheduled_at'], old().select('s.job', 's.scheduled_at'))
      .del();
  return count;
}

function parseDetails(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
