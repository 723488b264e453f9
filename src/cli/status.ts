import { SCHEDULED_JOBS, type ScheduleConfig } from '../config/index.ts';
import { readMetrics, type JobMetrics } from '../metrics/index.ts';
import { PIPELINE_LOCK } from '../runs/index.ts';
import { cronTimes, JOB_RUNS } from '../schedule/index.ts';
import {
  countLedgerState,
  listRuns,
  readLatestFire,
  readLatestRunOf,
  readLease,
  readSchemaVersion,
  type Db,
} from '../store/index.ts';

export interface StatusReport {
  /** The partner the report is limited to (`--partner`), or null for all. */
  partner: string | null;
  /** The newest migration applied to the ledger. */
  schemaVersion: string | null;
  staged: { customers: number; subscribers: number };
  outbox: Record<string, number>;
  rplOpenChecks: number;
  lock: { owner: string; since: string; expiresAt: string } | null;
  lastRuns: {
    runId: string;
    job: string;
    status: string;
    exitCode: number | null;
    /** A dry run changed nothing: said so, so that it is never taken for a real run. */
    dryRun: boolean;
    partner: string | null;
    startedAt: string;
    finishedAt: string | null;
  }[];
  /** Each scheduled job: its cron line, next fire, latest fire and latest run. */
  schedule: ScheduleStatus[];
  /** What var/metrics/rtm-batch.prom says, per job. */
  metrics: JobMetrics[];
}

export interface ScheduleStatus {
  job: string;
  cron: string;
  timezone: string;
  nextFire: string | null;
  lastFire: { scheduledAt: string; reason: string; status: string } | null;
  lastRun: { runId: string; job: string; status: string; startedAt: string } | null;
}

/** What is staged, in flight, pending, the last runs (of one partner, or all), and the schedule. */
export async function readStatus(
  db: Db,
  partner: string | null = null,
  schedule?: ScheduleConfig,
): Promise<StatusReport> {
  const state = await countLedgerState(db, partner);
  const lease = await readLease(db, PIPELINE_LOCK);
  return {
    partner,
    schemaVersion: await readSchemaVersion(db),
    staged: { customers: state.customers, subscribers: state.subscribers },
    outbox: state.outbox,
    rplOpenChecks: state.rplOpenChecks,
    lock: lease
      ? { owner: lease.owner, since: lease.acquiredAt, expiresAt: lease.expiresAt }
      : null,
    lastRuns: (await listRuns(db, 10, partner)).map((r) => ({
      runId: r.id,
      job: r.job,
      status: r.status,
      exitCode: r.exitCode,
      dryRun: r.dryRun,
      partner: r.partnerFilter,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    })),
    schedule: schedule ? await readScheduleStatus(db, schedule) : [],
    metrics: await readMetrics(db),
  };
}

async function readScheduleStatus(db: Db, schedule: ScheduleConfig): Promise<ScheduleStatus[]> {
  const out: ScheduleStatus[] = [];
  for (const job of SCHEDULED_JOBS) {
    const expr = schedule[job];
    if (!expr) continue;
    const fire = await readLatestFire(db, job);
    const run = await readLatestRunOf(db, JOB_RUNS[job]);
    out.push({
      job,
      cron: expr,
      timezone: schedule.timezone,
      nextFire: cronTimes(expr, schedule.timezone).next()?.toISOString() ?? null,
      lastFire: fire
        ? { scheduledAt: fire.scheduledAt, reason: fire.reason, status: fire.status }
        : null,
      lastRun: run
        ? { runId: run.id, job: run.job, status: run.status, startedAt: run.startedAt }
        : null,
    });
  }
  return out;
}

/** The status as lines for a terminal. */
export function renderStatus(s: StatusReport): string {
  const lines = [
    ...(s.partner ? [`partner: ${s.partner}`] : []),
    `staged: ${s.staged.customers} customer(s), ${s.staged.subscribers} subscriber(s)`,
    `outbox: ${
      Object.entries(s.outbox)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'empty'
    }`,
    `open RPL checks: ${s.rplOpenChecks}`,
    `lock: ${s.lock ? `held by run ${s.lock.owner} since ${s.lock.since}` : 'free'}`,
    `schema version: ${s.schemaVersion ?? 'none'}`,
    'last runs:',
    ...s.lastRuns.map(
      (r) =>
        `  ${r.runId}  ${r.status}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}${r.dryRun ? '  dry run: nothing changed' : ''}${r.partner ? `  partner ${r.partner}` : ''}`,
    ),
    ...(s.schedule.length > 0 ? ['schedule:'] : []),
    ...s.schedule.map(
      (j) =>
        `  ${j.job} "${j.cron}" (${j.timezone}): next ${j.nextFire ?? 'never'}; last run ${
          j.lastRun ? `${j.lastRun.runId} ${j.lastRun.status}` : 'none'
        }${j.lastFire ? `; last fire ${j.lastFire.scheduledAt} ${j.lastFire.reason} ${j.lastFire.status}` : ''}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
