import type { Tx } from './db.ts';

export interface RunRecord {
  id: string;
  job: string;
  status: 'running' | 'ok' | 'attention' | 'partial' | 'failed' | 'abandoned';
  exitCode: number | null;
  dryRun: boolean;
  partnerFilter: string | null;
  startedAt: string;
  finishedAt: string | null;
  host: string;
  pid: number;
  counts: unknown;
  reportDir: string | null;
  error: string | null;
}

/** Records that a run started. */
export async function insertRun(
  db: Tx,
  run: Pick<RunRecord, 'id' | 'job' | 'dryRun' | 'partnerFilter' | 'startedAt' | 'host' | 'pid'>,
): Promise<void> {
  await db('runs').insert({
    id: run.id,
    job: run.job,
    status: 'running',
    dry_run: run.dryRun,
    partner_filter: run.partnerFilter,
    started_at: run.startedAt,
    host: run.host,
    pid: run.pid,
  });
}

/** Jobs that rewrite the results files once they have provisioned. */
const RESULTS_WRITERS = ['provision', 'nightly'];

/**
 * Since when results files may lag behind the ledger: the start of the earliest run that did not
 * finish (killed, failed) after the last provisioning run over every partner that did, since such
 * a run may have recorded outcomes and died before it rewrote the results files; else `fallback`
 * (the asking run's own start).
 */
export async function resultsBehindSince(db: Tx, runId: string, fallback: string): Promise<string> {
  const good = (await db('runs')
    .whereNot({ id: runId })
    .whereIn('job', RESULTS_WRITERS)
    .whereIn('status', ['ok', 'partial', 'attention'])
    .where({ dry_run: false })
    .whereNull('partner_filter')
    .max({ at: 'started_at' })) as { at: string | null }[];
  const after = good[0]?.at ?? '';
  const bad = (await db('runs')
    .whereNot({ id: runId })
    .whereIn('status', ['failed', 'abandoned', 'running'])
    .where({ dry_run: false })
    .where('started_at', '>', after)
    .min({ at: 'started_at' })) as { at: string | null }[];
  const since = bad[0]?.at ?? null;
  return since !== null && since < fallback ? since : fallback;
}

/** Records how a run ended. */
export async function finishRun(
  db: Tx,
  id: string,
  end: {
    status: RunRecord['status'];
    exitCode: number;
    finishedAt: string;
    counts: unknown;
    reportDir: string;
    error: string | null;
  },
): Promise<void> {
  await db('runs')
    .where({ id })
    .update({
      status: end.status,
      exit_code: end.exitCode,
      finished_at: end.finishedAt,
      counts: JSON.stringify(end.counts),
      report_dir: end.reportDir,
      error: end.error,
    });
}

/** The latest runs, newest first. */
export async function listRuns(
  db: Tx,
  limit = 50,
  partner: string | null = null,
): Promise<RunRecord[]> {
  const q = db('runs');
  // A run for one partner, or one for all of them (which includes this one).
  if (partner !== null)
    void q.where((w) => void w.where({ partner_filter: partner }).orWhereNull('partner_filter'));
  const rows = (await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)) as RunRow[];
  return rows.map(toRecord);
}

/** One run by id. */
export async function readRun(db: Tx, id: string): Promise<RunRecord | null> {
  const row = (await db('runs').where({ id }).first()) as RunRow | undefined;
  return row ? toRecord(row) : null;
}

interface RunRow {
  id: string;
  job: string;
  status: RunRecord['status'];
  exit_code: number | null;
  dry_run: boolean | number;
  partner_filter: string | null;
  started_at: string;
  finished_at: string | null;
  host: string;
  pid: number;
  counts: string | null;
  report_dir: string | null;
  error: string | null;
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    job: r.job,
    status: r.status,
    exitCode: r.exit_code,
    dryRun: Boolean(r.dry_run),
    partnerFilter: r.partner_filter,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    host: r.host,
    pid: r.pid,
    counts: r.counts ? (JSON.parse(r.counts) as unknown) : null,
    reportDir: r.report_dir,
    error: r.error,
  };
}

/** Runs recorded as started and never finished, other than `except`. */
export async function listUnfinishedRuns(db: Tx, except: string): Promise<RunRecord[]> {
  const rows = (await db('runs')
    .where({ status: 'running' })
    .whereNot({ id: except })
    .orderBy('started_at')) as RunRow[];
  return rows.map(toRecord);
}

/** Records that a run's process ended without finishing it (killed, crashed). */
export async function markRunAbandoned(
  db: Tx,
  id: string,
  end: { finishedAt: string; reportDir: string; error: string; counts: unknown },
): Promise<void> {
  await db('runs')
    .where({ id, status: 'running' })
    .update({
      status: 'abandoned',
      exit_code: 3,
      finished_at: end.finishedAt,
      report_dir: end.reportDir,
      error: end.error,
      counts: JSON.stringify(end.counts),
    });
}

/** A file a run recorded, as its summary lists it. */
export interface RunFile {
  partner: string;
  name: string;
  sha256: string | null;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  status: 'processed' | 'duplicate' | 'quarantined' | 'skipped';
  code: string | null;
  message: string | null;
  rows: { total: number; accepted: number; rejected: number };
}

/** A row issue a run recorded, as issues.csv lists it. */
export interface RunIssue {
  partner: string;
  file: string | null;
  sheet: string | null;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

/** The files a run recorded, with their counts. */
export async function readRunFiles(db: Tx, runId: string): Promise<RunFile[]> {
  const rows = (await db('files').where({ run_id: runId }).orderBy('id')) as (Omit<
    RunFile,
    'partner' | 'rows'
  > & { partner_id: string; rows_total: number; rows_accepted: number; rows_rejected: number })[];
  return rows.map((r) => ({
    partner: r.partner_id,
    name: r.name,
    sha256: r.sha256,
    format: r.format,
    encoding: r.encoding,
    status: r.status,
    code: r.code,
    message: r.message,
    rows: {
      total: Number(r.rows_total),
      accepted: Number(r.rows_accepted),
      rejected: Number(r.rows_rejected),
    },
  }));
}

/** The row issues a run recorded, with the file they are in. */
export async function readRunIssues(db: Tx, runId: string): Promise<RunIssue[]> {
  const rows = (await db('row_issues as i')
    .leftJoin('files as f', 'f.id', 'i.file_id')
    .where('i.run_id', runId)
    .orderBy('i.id')
    .select(
      'i.partner_id as partner',
      'f.name as file',
      'i.sheet as sheet',
      'i.row_number as row',
      'i.column as column',
      'i.value as value',
      'i.code as code',
      'i.message as message',
    )) as RunIssue[];
  return rows.map((r) => ({ ...r, sheet: r.sheet || null }));
}

/** One partner's changes staged by a run, of one entity and outcome. */
export interface RunPartnerChangeCount {
  partner: string;
  entity: 'customer' | 'subscriber';
  /** The outcome the change has now; a change not sent yet is `pending`. */
  outcome: string;
  count: number;
}

/** The changes a run staged, counted per partner, entity and outcome (report.html's partner sections). */
export async function countRunChangesByPartner(
  db: Tx,
  runId: string,
): Promise<RunPartnerChangeCount[]> {
  const rows = (await db('changes')
    .where({ run_id: runId })
    .groupBy('partner_id', 'entity', 'outcome')
    .select('partner_id', 'entity', 'outcome')
    .count({ n: '*' })) as {
    partner_id: string;
    entity: 'customer' | 'subscriber';
    outcome: string | null;
    n: number | string;
  }[];
  return rows.map((r) => ({
    partner: r.partner_id,
    entity: r.entity,
    outcome: r.outcome ?? 'pending',
    count: Number(r.n),
  }));
}

/** The files a run processed, with where their bytes went (to name their results files). */
export async function readRunProcessedFiles(
  db: Tx,
  runId: string,
): Promise<
  { partner: string; name: string; storedPath: string | null; format: 'csv' | 'xlsx' | null }[]
> {
  const rows = (await db('files')
    .where({ run_id: runId, status: 'processed' })
    .orderBy('id')
    .select('partner_id', 'name', 'stored_path', 'format')) as {
    partner_id: string;
    name: string;
    stored_path: string | null;
    format: 'csv' | 'xlsx' | null;
  }[];
  return rows.map((r) => ({
    partner: r.partner_id,
    name: r.name,
    storedPath: r.stored_path,
    format: r.format,
  }));
}
