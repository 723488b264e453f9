import type { Tx } from './db.ts';

/** A job's latest finished run (dry runs left out) and when it last completed, for metrics. */
export interface JobRunFacts {
  job: string;
  runId: string;
  status: string;
  exitCode: number | null;
  startedAt: string;
  finishedAt: string;
  counts: unknown;
  /** The finish of the latest run of this job that completed (ok, attention or partial). */
  lastSuccessAt: string | null;
}

/** Per job: its latest finished run and its latest completed one (two small queries a job). */
export async function readJobRunFacts(db: Tx): Promise<JobRunFacts[]> {
  const jobs = (await db('runs').distinct('job').orderBy('job')) as { job: string }[];
  const out: JobRunFacts[] = [];
  for (const { job } of jobs) {
    const last = (await db('runs')
      .where({ job, dry_run: false })
      .whereNotNull('finished_at')
      .orderBy('finished_at', 'desc')
      .first('id', 'status', 'exit_code', 'started_at', 'finished_at', 'counts')) as
      | {
          id: string;
          status: string;
          exit_code: number | null;
          started_at: string;
          finished_at: string;
          counts: string | null;
        }
      | undefined;
    if (!last) continue;
    const ok = (await db('runs')
      .where({ job, dry_run: false })
      .whereIn('status', ['ok', 'attention', 'partial'])
      .max({ at: 'finished_at' })) as { at: string | null }[];
    out.push({
      job,
      runId: last.id,
      status: last.status,
      exitCode: last.exit_code === null ? null : Number(last.exit_code),
      startedAt: last.started_at,
      finishedAt: last.finished_at,
      counts: last.counts ? (JSON.parse(last.counts) as unknown) : null,
      lastSuccessAt: ok[0]?.at ?? null,
    });
  }
  return out;
}
