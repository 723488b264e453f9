import { randomBytes } from 'node:crypto';
import os from 'node:os';
import cron, { type RunCoordinator, type ScheduledTask } from 'node-cron';
import {
  billingJob,
  importJob,
  nightlyJob,
  provisionJob,
  reconcileJob,
  rplRecheckJob,
} from '../../jobs/index.ts';
import { billingPeriod } from '../billing/index.ts';
import { SCHEDULED_JOBS, type ScheduledJob } from '../config/index.ts';
import type { Summary } from '../reports/index.ts';
import { holderProcess, LockHeldError, type App } from '../runs/index.ts';
import {
  claimFire,
  finishFire,
  markFireInterrupted,
  readLatestFire,
  readLatestRunOf,
  resumeFire,
  type FireReason,
  type FireStatus,
} from '../store/index.ts';
import { cronTimes, planCatchUp } from './fire-times.ts';

/** How the scheduler waits for the run lock another process holds, and for how long at most. */
export const SCHEDULER_POLICY = {
  /** Retry a fire whose run found the lock held this often, until the job's next fire is due. */
  lockRetryMs: 5_000,
  /**
   * How late node-cron may still start a fire (its default, 1 s, drops a fire whose timer fired
   * late on a loaded machine; a fire is never later than the job's next one either way).
   */
  missedToleranceMs: 5 * 60_000,
  /** How long node-cron keeps a coordination key (unused by the ledger, which keeps fires). */
  distributedLeaseMs: 60_000,
} as const;

/** The runs each scheduled job makes; `import-provision` is two runs, each under the lock. */
export const JOB_RUNS: Record<ScheduledJob, string[]> = {
  'import-provision': ['import', 'provision'],
  nightly: ['nightly'],
  'rpl-recheck': ['rpl-recheck'],
  reconcile: ['reconcile'],
  billing: ['billing'],
};

/** Who this scheduler is, in the fires it claims. */
interface Identity {
  claimedBy: string;
  host: string;
  pid: number;
}

/**
 * Stays running and starts jobs on their cron schedules until SIGTERM/SIGINT (or `stop`); never
 * deprovisions. Each fire is claimed in the ledger first (node-cron `distributed` with a
 * coordinator over `schedule_fires`), so schedulers on one ledger run it exactly once; at start-up
 * a fire missed while none ran (config `schedule.catchUp`) or one cut short is run once.
 */
export async function runScheduler(
  app: App,
  env: NodeJS.ProcessEnv,
  opts: { stop?: AbortSignal } = {},
): Promise<number> {
  const { schedule } = app.config;
  const log = app.logger.child({ component: 'scheduler' });
  const controller = new AbortController();
  const identity: Identity = {
    claimedBy: `${os.hostname().slice(0, 40)}:${process.pid}:${randomBytes(3).toString('hex')}`,
    host: os.hostname(),
    pid: process.pid,
  };
  const start = (job: string, signal: AbortSignal): Promise<Summary> => {
    const o = { dryRun: false, partner: null, signal };
    if (job === 'import') return importJob(app, o, env);
    if (job === 'provision') return provisionJob(app, o, env);
    if (job === 'nightly') return nightlyJob(app, o, env);
    if (job === 'rpl-recheck') return rplRecheckJob(app, o, env);
    if (job === 'billing') {
      // The last full month before the fire (issue 22); the run's clock decides which month.
      const period = billingPeriod({}, app.clock.now());
      if (period.error !== undefined) throw new Error(period.error);
      return billingJob(app, o, env, period.period);
    }
    return reconcileJob(app, o, env);
  };

  // One run at a time in this process, in the order fired; a job already waiting or running here
  // is not queued again (noOverlap across the catch-up and the cron fires too).
  let queue: Promise<unknown> = Promise.resolve();
  const busy = new Set<ScheduledJob>();
  const inFlight = new Set<Promise<void>>();

  const runFire = async (job: ScheduledJob, scheduledAt: string, reason: FireReason) => {
    const key = { job, scheduledAt, claimedBy: identity.claimedBy };
    const label = `${reason === 'scheduled' ? '' : `${reason} of `}${job} (fire of ${scheduledAt})`;
    if (busy.has(job)) {
      log.warn(`${label} skipped: the previous ${job} is still waiting or running here`);
      await finishFire(app.db, key, end('skipped', [], `${job} still running in this scheduler`));
      return;
    }
    busy.add(job);
    const done = (queue = queue.then(async () => {
      const runIds: string[] = [];
      let status: FireStatus = 'done';
      let detail: string | null = null;
      try {
        log.info(`${label} starting`, { event: 'schedule.fire', fire: job, scheduledAt, reason });
        const nextDue = cronTimes(schedule[job] ?? '', schedule.timezone).next();
        for (const name of JOB_RUNS[job]) {
          if (controller.signal.aborted) break;
          const summary = await runWaitingForLock(name, nextDue);
          if (!summary) {
            status = controller.signal.aborted ? 'interrupted' : 'skipped';
            detail = 'another run held the lock until the next fire was due';
            break;
          }
          runIds.push(summary.runId);
          log.info(`${label}: run ${summary.runId} ended ${summary.status}`, {
            runId: summary.runId,
          });
          if (summary.status === 'failed') status = 'failed';
        }
        if (controller.signal.aborted && status !== 'failed') status = 'interrupted';
      } catch (err) {
        status = controller.signal.aborted ? 'interrupted' : 'failed';
        detail = (err as Error).message;
        log.error(`${label} failed: ${detail}`);
      } finally {
        busy.delete(job);
      }
      await finishFire(app.db, key, end(status, runIds, detail)).catch((err: unknown) =>
        log.error(`could not record the end of ${label}: ${(err as Error).message}`),
      );
      log.info(`${label} ${status}`, { event: 'schedule.fire.end', fire: job, status, runIds });
    }));
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(tracked);
    await tracked;
    inFlight.delete(tracked);
  };

  /** Runs one job; while another process holds the lock, retries until `until` (then null). */
  const runWaitingForLock = async (name: string, until: Date | null): Promise<Summary | null> => {
    for (;;) {
      try {
        return await start(name, controller.signal);
      } catch (err) {
        if (!(err instanceof LockHeldError)) throw err;
        const wait = SCHEDULER_POLICY.lockRetryMs;
        if (controller.signal.aborted || (until && Date.now() + wait >= until.getTime()))
          return null;
        log.info(`scheduled ${name} waits for the lock: ${err.message}`);
        await sleep(wait, controller.signal);
      }
    }
  };

  const tasks: ScheduledTask[] = [];
  for (const job of SCHEDULED_JOBS) {
    const expr = schedule[job];
    if (!expr) continue;
    const task = cron.schedule(expr, (ctx) => runFire(job, ctx.date.toISOString(), 'scheduled'), {
      timezone: schedule.timezone,
      name: job,
      noOverlap: true,
      distributed: true,
      runCoordinator: ledgerCoordinator(app, job, identity),
      distributedLease: SCHEDULER_POLICY.distributedLeaseMs,
      missedExecutionTolerance: SCHEDULER_POLICY.missedToleranceMs,
    });
    task.on('execution:missed', (ctx) => {
      log.warn(`${job} fire of ${ctx.date.toISOString()} missed: this process was too busy`);
    });
    task.on('execution:skipped', (ctx) => {
      if (ctx.reason === 'coordinator-error')
        log.error(
          `${job} fire of ${ctx.date.toISOString()} not run: the ledger could not be asked`,
        );
    });
    tasks.push(task);
    log.info(
      `scheduled ${job} at "${expr}" (${schedule.timezone}), next ${task.getNextRun()?.toISOString() ?? 'never'}`,
    );
  }

  for (const job of SCHEDULED_JOBS) {
    const expr = schedule[job];
    if (!expr) continue;
    void catchUp(app, job, expr, identity, schedule.catchUp.includes(job), log, runFire);
  }

  await new Promise<void>((resolve) => {
    if (opts.stop) {
      if (opts.stop.aborted) return resolve();
      opts.stop.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  log.info('scheduler stopping: runs in progress stop claiming new work');
  controller.abort(new Error('scheduler stopping'));
  for (const task of tasks) await task.destroy();
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  return 0;
}

function end(status: FireStatus, runIds: string[], detail: string | null) {
  return { status, finishedAt: new Date().toISOString(), runIds, detail };
}

/** node-cron's coordinator over the ledger: the scheduler that records a fire first runs it. */
function ledgerCoordinator(app: App, job: ScheduledJob, who: Identity): RunCoordinator {
  return {
    // The key is "<task name>:<ISO time of the fire>".
    shouldRun: (key) =>
      claimFire(app.db, {
        job,
        scheduledAt: key.slice(job.length + 1),
        ...who,
        reason: 'scheduled',
        now: new Date().toISOString(),
      }),
  };
}

/** At start-up: runs a job's missed fire once, or finishes its interrupted one (logged). */
async function catchUp(
  app: App,
  job: ScheduledJob,
  expr: string,
  who: Identity,
  enabled: boolean,
  log: App['logger'],
  runFire: (job: ScheduledJob, at: string, reason: FireReason) => Promise<void>,
): Promise<void> {
  try {
    const now = new Date();
    let latestFire = await readLatestFire(app.db, job);
    // A fire whose scheduler died (killed, power cut) on this host counts as interrupted.
    if (
      latestFire?.status === 'running' &&
      holderProcess({
        ...latestFire,
        name: job,
        owner: '',
        acquiredAt: latestFire.claimedAt,
        expiresAt: '',
      }) === 'dead' &&
      (await markFireInterrupted(app.db, latestFire, 'its scheduler died while running it'))
    )
      latestFire = { ...latestFire, status: 'interrupted' };
    if (!enabled) return;
    const lastDue = cronTimes(expr, app.config.schedule.timezone).lastAtOrBefore(now);
    const ranSince =
      lastDue !== null &&
      (await readLatestRunOf(app.db, JOB_RUNS[job], lastDue.toISOString())) !== null;
    const plan = planCatchUp({ lastDue, latestFire, ranSinceLastDue: ranSince });
    const claim = { ...who, now: now.toISOString() };
    if (plan.kind === 'catch-up') {
      if (
        await claimFire(app.db, {
          job,
          scheduledAt: plan.scheduledAt,
          reason: 'catch-up',
          ...claim,
        })
      ) {
        log.warn(
          `${job}: its fire of ${plan.scheduledAt} was missed (no scheduler ran): catching up once`,
          {
            event: 'schedule.catch-up',
          },
        );
        await runFire(job, plan.scheduledAt, 'catch-up');
      }
    } else if (plan.kind === 'resume') {
      if (await resumeFire(app.db, plan.fire, claim)) {
        log.warn(
          `${job}: its fire of ${plan.fire.scheduledAt} was interrupted: finishing it once`,
          {
            event: 'schedule.resume',
          },
        );
        await runFire(job, plan.fire.scheduledAt, 'resume');
      }
    }
  } catch (err) {
    log.error(`${job}: could not check for a missed fire: ${(err as Error).message}`);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
