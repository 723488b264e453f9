import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../clock/index.ts';
import type { Config } from '../config/index.ts';
import { redactString, type Logger } from '../log/index.ts';
import { writeMetricsFile } from '../metrics/index.ts';
import { describeFailedNotification, sendNotifications } from '../notify/index.ts';
import {
  addAttention,
  checkCounts,
  decideOutcome,
  HTML_ROW_LIMIT,
  openPlanCsv,
  PLAN_FILE,
  planDialInLines,
  writeReportsIndex,
  writeRunReports,
  type DialInLine,
  type RunJob,
  summaryJob,
  type RplReport,
  type Summary,
} from '../reports/index.ts';
import { readRplReport } from '../rpl/index.ts';
import {
  acquireLease,
  finishRun,
  insertRun,
  listRuns,
  readCustomersStagedByRun,
  readLease,
  releaseLease,
  renewLease,
  type Db,
  type LeaseHolder,
  type Tx,
} from '../store/index.ts';
import { LeaseLostError } from '../faults/index.ts';
import { newTally, type RunContext } from './context.ts';
import { holderProcess } from './holder-process.ts';
import { noProgress, type Progress } from './progress.ts';
import { readPartnerReport } from './read-partner-report.ts';
import { recoverAbandonedRuns } from './recover-abandoned.ts';

/** The one lock every pipeline run takes: runs never overlap on a ledger. */
export const PIPELINE_LOCK = 'pipeline';

/** The jobs whose summary raises RPL attention (overdue reviews, deprovisioning candidates). */
const RPL_FOLLOWING_JOBS: ReadonlySet<RunJob> = new Set(['rpl-recheck', 'nightly']);

/** Another run holds the lock: nothing was done (exit 75). */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(readonly holder: LeaseHolder) {
    super(
      `another run (id ${holder.owner}) holds the lock since ${holder.acquiredAt} (pid ${holder.pid} on ${holder.host}; it expires at ${holder.expiresAt} unless renewed)`,
    );
  }
}

/** What every run shares: configuration, database, clock and the process logger. */
export interface App {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Where runs show how far they are (the command line's bars or lines); none by default. */
  progress?: Progress;
}

export interface JobOptions {
  job: RunJob;
  dryRun: boolean;
  partner: string | null;
  /** Aborted by SIGTERM/SIGINT. */
  signal: AbortSignal;
}

/** A run id that sorts by start time and is safe as a folder name. */
export function makeRunId(at: Date, job: RunJob): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${job}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs one job as a recorded run: takes the lock, records the run, calls `body`, writes the
 * reports, records the end and releases the lock. Throws LockHeldError before touching anything.
 */
export async function runJob(
  app: App,
  opts: JobOptions,
  body: (ctx: RunContext) => Promise<void>,
): Promise<Summary> {
  const { config, db, clock } = app;
  const startedAt = clock.now();
  const runId = makeRunId(startedAt, opts.job);
  const ttlMs = config.lock.leaseSeconds * 1000;
  const lease = { name: PIPELINE_LOCK, owner: runId, host: os.hostname(), pid: process.pid, ttlMs };
  // Leases use the wall clock, never RTM_NOW: a moved clock must not free or freeze a lock.
  const got = await acquireLease(db, { ...lease, now: new Date(), holderProcess }).catch(
    async (err: unknown) => {
      // SQLite: another run is inside a long write (a large file's transaction) and cannot renew
      // its lease meanwhile; the database is busy because that run holds it.
      const holder =
        (err as { code?: string }).code === 'SQLITE_BUSY'
          ? await readLease(db, PIPELINE_LOCK)
          : null;
      if (holder) throw new LockHeldError(holder);
      throw err;
    },
  );
  if (!got.acquired) throw new LockHeldError(got.holder);

  const log = app.logger.child({
    runId,
    job: opts.job,
    ...(opts.partner ? { partner: opts.partner } : {}),
  });
  const controller = new AbortController();
  const onAbort = () => controller.abort(opts.signal.reason);
  // A signal that came while the command started (the ledger opening) stops the run at once.
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });
  let leaseLost: LeaseLostError | null = null;
  const loseLease = (): LeaseLostError => {
    if (!leaseLost) {
      leaseLost = new LeaseLostError(runId);
      log.error('the run lost its lock (lease expired and taken over): stopping');
      controller.abort(leaseLost);
    }
    return leaseLost;
  };
  const holdLock = async (trx: Tx): Promise<void> => {
    if (leaseLost || !(await renewLease(trx, PIPELINE_LOCK, runId, new Date(), ttlMs)))
      throw loseLease();
  };
  const renewLock = async (): Promise<void> => {
    try {
      if (leaseLost || !(await renewLease(db, PIPELINE_LOCK, runId, new Date(), ttlMs)))
        loseLease();
    } catch (err) {
      // SQLite: this run's own file transaction holds the one connection; it renews on commit.
      if ((err as Error).name === 'KnexTimeoutError')
        log.info('the lock is renewed once the file being staged is committed');
      else log.warn(`could not renew the lock: ${(err as Error).message}`);
    }
  };
  const heartbeat = setInterval(() => void renewLock(), Math.max(1000, ttlMs / 3));
  heartbeat.unref();

  // A dry run's plan goes to plan.csv line by line as it is made; the report shows its first lines.
  const planCsv = opts.dryRun
    ? openPlanCsv(
        path.join(config.home, 'reports', runId, PLAN_FILE),
        config.reportLocale,
        HTML_ROW_LIMIT,
      )
    : null;
  const ctx: RunContext = {
    runId,
    job: opts.job,
    config,
    db,
    clock,
    log,
    dryRun: opts.dryRun,
    partnerFilter: opts.partner,
    signal: controller.signal,
    tally: newTally(),
    progress: app.progress ?? noProgress,
    renewLock,
    holdLock,
    ...(planCsv ? { planOut: planCsv } : {}),
  };
  let error: string | null = null;
  let rpl: RplReport | undefined;
  let dialIns: DialInLine[] | undefined;
  try {
    await insertRun(db, {
      id: runId,
      job: opts.job,
      dryRun: opts.dryRun,
      partnerFilter: opts.partner,
      startedAt: startedAt.toISOString(),
      host: lease.host,
      pid: lease.pid,
    });
    log.info(`run ${runId} started${opts.dryRun ? ' (dry run)' : ''}`);
    // Holding the lock, this run is the only live one: any other still "running" died unfinished.
    if (!opts.dryRun)
      for (const item of await recoverAbandonedRuns(config, db, { runId, now: clock.now() }))
        addAttention(ctx.tally.attention, item);
    await body(ctx);
    // A run whose lock was taken over has stopped part-way: it failed (exit 3), whatever it did.
    // (Set from the heartbeat's closure: TypeScript cannot see it change.)
    const lost = leaseLost as LeaseLostError | null;
    if (lost) throw lost;
    if (controller.signal.aborted)
      ctx.tally.notes.push(
        'the run was interrupted before it finished; the next run continues where it stopped.',
      );
    const read = await readRplReport(db, config.rpl, {
      partner: opts.partner,
      now: clock.now(),
      runId,
      runStartedAt: startedAt.toISOString(),
    });
    ctx.tally.rpl = read.counts;
    // The jobs that follow RPL reviews say which need a person; the others only count them.
    if (RPL_FOLLOWING_JOBS.has(opts.job))
      for (const item of read.attention) addAttention(ctx.tally.attention, item);
    rpl = { ...read.report, deprovisions: ctx.tally.rplDeprovisions };
    // R-DIAL-1: the location and Meetings dial-in of every customer this run staged.
    if (opts.job === 'import' || opts.job === 'nightly')
      dialIns = planDialInLines(await readCustomersStagedByRun(db, runId));
  } catch (err) {
    // Kept in the ledger (runs.error) and the summary: a secret in it is masked like in the log.
    error = redactString((err as Error).message || String(err), config.secrets);
    log.error(`run failed: ${error}`, { error: err });
  }
  try {
    const planFile = planCsv ? await planCsv.close() : null;
    if (ctx.tally.plan) ctx.tally.plan.file = planFile;
    const summary = buildSummary(ctx, startedAt, clock.now(), error);
    // Per-partner detail for report.html; a run that failed still reports what it can.
    const partnerReport = await readPartnerReport(db, config.home, runId).catch((err: unknown) => {
      log.warn(`could not read the per-partner report detail: ${(err as Error).message}`);
      return { partnerChanges: [], resultsFiles: [], quotaUse: [] };
    });
    // Told before the reports are written, so that a channel that failed is in them; a failed
    // notification never changes the run's outcome.
    for (const told of await sendNotifications(summary, config, log))
      if (!told.ok) summary.notes.push(describeFailedNotification(told));
    await writeRunReports(
      summary.reportDir,
      {
        summary,
        issues: ctx.tally.issues,
        locale: config.reportLocale,
        timeZone: config.schedule.timezone,
        reconciliation: ctx.tally.reconciliation,
        ...partnerReport,
        ...(rpl
          ? {
              rpl: {
                ...rpl,
                limits: {
                  overdueMinutes: config.rpl.overdueMinutes,
                  candidateDays: config.rpl.nonCompliantDays,
                },
              },
            }
          : {}),
        ...(dialIns ? { dialIns } : {}),
        ...(ctx.tally.billing ? { billing: ctx.tally.billing } : {}),
        ...(planCsv && ctx.tally.plan ? { plan: [...planCsv.sample] } : {}),
      },
      config.secrets,
    );
    await finishRun(db, runId, {
      status: summary.status,
      exitCode: summary.exitCode,
      finishedAt: summary.finishedAt,
      counts: {
        files: summary.files.length,
        rows: summary.rows,
        customers: summary.customers,
        subscribers: summary.subscribers,
        rpl: summary.rpl,
        // For the metrics file and status --json (src/metrics): attention by kind, issues by code.
        attention: countAttention(summary),
        issueCounts: summary.issueCounts,
      },
      reportDir: summary.reportDir,
      error: summary.error ?? null,
    });
    await writeReportsIndex(
      path.join(config.home, 'reports'),
      (await listRuns(db, 200)).map(toListEntry),
      config.reportLocale,
      config.schedule.timezone,
    );
    // Monitoring's view (node_exporter textfile collector); a failure here never fails the run.
    await writeMetricsFile(config.home, db, new Date()).catch((err: unknown) =>
      log.warn(`could not write the metrics file: ${(err as Error).message}`),
    );
    log.info(`run ${runId} ${summary.status}`, {
      event: 'run.summary',
      exitCode: summary.exitCode,
      rows: summary.rows,
      customers: summary.customers,
      subscribers: summary.subscribers,
      rpl: summary.rpl,
      issueCounts: summary.issueCounts,
    });
    return summary;
  } finally {
    clearInterval(heartbeat);
    opts.signal.removeEventListener('abort', onAbort);
    await releaseLease(db, PIPELINE_LOCK, runId);
  }
}

function buildSummary(
  ctx: RunContext,
  startedAt: Date,
  finishedAt: Date,
  failure: string | null,
): Summary {
  const t = ctx.tally;
  let error = failure;
  // Counts that do not add up would make the report lie: the run fails, saying what is off.
  const mismatch = checkCounts(t);
  if (mismatch.length > 0 && error === null) {
    error = `the run's counts do not add up (${mismatch.join('; ')}); nothing was lost, but the report would not tell the truth: please report it`;
    ctx.log.error(error);
  }
  const issueCounts: Record<string, number> = {};
  for (const i of t.issues) issueCounts[i.code] = (issueCounts[i.code] ?? 0) + 1;
  for (const f of t.files)
    if (f.status === 'duplicate' && f.code) issueCounts[f.code] = (issueCounts[f.code] ?? 0) + 1;
  const outcome = decideOutcome(
    {
      files: t.files,
      rows: t.rows,
      customers: t.customers,
      subscribers: t.subscribers,
      attention: t.attention,
    },
    error !== null,
  );
  return {
    runId: ctx.runId,
    job: summaryJob(ctx.job),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    status: outcome.status,
    exitCode: outcome.exitCode,
    dryRun: ctx.dryRun,
    reportDir: path.join(ctx.config.home, 'reports', ctx.runId),
    files: t.files,
    rows: t.rows,
    customers: t.customers,
    subscribers: t.subscribers,
    rpl: t.rpl,
    reconcile: t.reconcile,
    issueCounts,
    attention: t.attention,
    notes: t.notes,
    plan: t.plan,
    error,
  };
}

function countAttention(s: Summary): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const a of s.attention) byKind[a.kind] = (byKind[a.kind] ?? 0) + a.count;
  return byKind;
}

function toListEntry(r: Awaited<ReturnType<typeof listRuns>>[number]) {
  return {
    runId: r.id,
    job: r.job,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    status: r.status,
    exitCode: r.exitCode,
    dryRun: r.dryRun,
  };
}
