import cron from 'node-cron';
import type { FireRecord } from '../store/index.ts';

/** How far back a missed fire is looked for at start-up: a week and a day covers a weekly job. */
export const CATCH_UP_LOOKBACK_MS = 8 * 24 * 3600_000;
/** For a cron line with seconds, a missed fire is looked for over the last hour only. */
const SECONDS_LOOKBACK_MS = 3600_000;

/** When a cron line fires, in its time zone. */
export interface CronTimes {
  /** The next fire after `from` (now when omitted). */
  next(): Date | null;
  /** The latest fire at or before `now`, within the look-back; null when none. */
  lastAtOrBefore(now: Date): Date | null;
}

/** node-cron's matcher for a cron line, without scheduling anything. */
export function cronTimes(expr: string, timezone: string): CronTimes {
  const task = cron.createTask(expr, () => undefined, { timezone });
  // Registered by node-cron; never started. Destroying it only removes it from the registry.
  void task.destroy();
  const withSeconds = expr.trim().split(/\s+/).length === 6;
  const step = withSeconds ? 1000 : 60_000;
  const lookback = withSeconds ? SECONDS_LOOKBACK_MS : CATCH_UP_LOOKBACK_MS;
  return {
    next: () => task.getNextRuns(1)[0] ?? null,
    lastAtOrBefore: (now) => {
      const start = Math.floor(now.getTime() / step) * step;
      for (let t = start; t >= now.getTime() - lookback; t -= step) {
        const at = new Date(t);
        if (task.match(at)) return at;
      }
      return null;
    },
  };
}

/** What a scheduler starting up does about one job's past fires. */
export type CatchUp =
  | { kind: 'catch-up'; scheduledAt: string }
  | { kind: 'resume'; fire: FireRecord }
  | { kind: 'none'; why: string };

/**
 * Decides, from the job's latest due fire time, the latest fire any scheduler recorded and
 * whether a run of the job started since that time (a person ran it by hand), whether the start-up
 * runs a missed fire once or finishes an interrupted one. A job no scheduler ever fired has
 * missed nothing: a first start does not run last night's job.
 */
export function planCatchUp(input: {
  lastDue: Date | null;
  latestFire: FireRecord | null;
  ranSinceLastDue: boolean;
}): CatchUp {
  const { lastDue, latestFire } = input;
  if (!latestFire) return { kind: 'none', why: 'no scheduler has fired it before' };
  const due = lastDue?.toISOString() ?? null;
  if (due !== null && latestFire.scheduledAt < due) {
    if (input.ranSinceLastDue) return { kind: 'none', why: `it ran after ${due}` };
    return { kind: 'catch-up', scheduledAt: due };
  }
  if (latestFire.status === 'interrupted') return { kind: 'resume', fire: latestFire };
  return { kind: 'none', why: `its fire of ${latestFire.scheduledAt} is ${latestFire.status}` };
}
