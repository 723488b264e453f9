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
export async function listRuns(db: Tx, limit = 50): Promise<RunRecord[]> {
  const rows = (await db('runs')
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
