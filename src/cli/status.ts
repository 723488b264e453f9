import { SCHEDULED_JOBS, type ScheduleConfig } from '../config/index.ts';
import { readMetrics, type JobMetrics } from '../metrics/index.ts';
import { PIPELINE_LOCK } from '../runs/index.ts';
import { cronTimes, JOB_RUNS } from '../schedule/index.ts';
import {
  countChangesByStatus,
  listRuns,
  readLatestFire,
  readLatestRunOf,
  readLease,
  type Db,
} from '../store/index.ts';

export interface StatusReport {
  staged: { customers: number; subscribers: number };
  outbox: Record<string, number>;
  rplOpenChecks: number;
  lock: { owner: string; since: string; expiresAt: string } | null;
  lastRuns: {
    runId: string;
    job: string;
    status: string;
    exitCode: number | null;
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

/** What is staged, in flight, pending, and the last runs. */
export async function readStatus(db: Db, schedule?: ScheduleConfig): Promise<StatusReport> {
  const count = async (table: string, onlyOpen = false) => {
    const q = db(table);
    if (onlyOpen) void q.whereNull('closed_at');
    const [row] = (await q.count({ n: '*' })) as { n: number | string }[];
    return Number(row?.n ?? 0);
  };
  const lease = await readLease(db, PIPELINE_LOCK);
  return {
    staged: { customers: await count('customers'), subscribers: await count('subscribers') },
    outbox: await countChangesByStatus(db),
    rplOpenChecks: await count('rpl_checks', true),
    lock: lease
      ? { owner: lease.owner, since: lease.acquiredAt, expiresAt: lease.expiresAt }
      : null,
    lastRuns: (await listRuns(db, 10)).map((r) => ({
      runId: r.id,
      job: r.job,
      status: r.status,
      exitCode: r.exitCode,
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
    `staged: ${s.staged.customers} customer(s), ${s.staged.subscribers} subscriber(s)`,
    `outbox: ${
      Object.entries(s.outbox)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'empty'
    }`,
    `open RPL checks: ${s.rplOpenChecks}`,
    `lock: ${s.lock ? `held by run ${s.lock.owner} since ${s.lock.since}` : 'free'}`,
    'last runs:',
    ...s.lastRuns.map(
      (r) => `  ${r.runId}  ${r.status}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}`,
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
