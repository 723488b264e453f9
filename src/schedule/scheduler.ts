import cron, { type ScheduledTask } from 'node-cron';
import { nightlyJob, rplRecheckJob } from '../../jobs/index.ts';
import { LockHeldError, type App } from '../runs/index.ts';

/** Stays running and starts jobs on their cron schedules until SIGTERM/SIGINT; never deprovisions. */
export async function runScheduler(app: App, env: NodeJS.ProcessEnv): Promise<number> {
  const { schedule } = app.config;
  const controller = new AbortController();
  const jobs = {
    nightly: (signal: AbortSignal) =>
      nightlyJob(app, { dryRun: false, partner: null, signal }, env),
    'rpl-recheck': (signal: AbortSignal) =>
      rplRecheckJob(app, { dryRun: false, partner: null, signal }, env),
  };
  const tasks: ScheduledTask[] = [];
  let running: Promise<unknown> = Promise.resolve();
  for (const name of ['nightly', 'rpl-recheck'] as const) {
    const expr = schedule[name];
    if (!expr) continue;
    const task = cron.schedule(
      expr,
      () => {
        // One job at a time in this process; another process is kept out by the run lock.
        running = running.then(async () => {
          try {
            const summary = await jobs[name](controller.signal);
            app.logger.info(`scheduled ${name} ended: ${summary.status}`, { runId: summary.runId });
          } catch (err) {
            if (err instanceof LockHeldError)
              app.logger.warn(`scheduled ${name} skipped: ${err.message}`);
            else app.logger.error(`scheduled ${name} failed: ${(err as Error).message}`);
          }
        });
      },
      { timezone: schedule.timezone, name },
    );
    tasks.push(task);
    app.logger.info(`scheduled ${name} at "${expr}" (${schedule.timezone})`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  controller.abort(new Error('scheduler stopping'));
  for (const task of tasks) await task.stop();
  await running;
  return 0;
}
