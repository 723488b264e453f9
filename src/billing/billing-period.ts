import type { BillingPeriod } from './compare-billing.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: string): boolean {
  return DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/**
 * The period `rtm-batch billing` compares: --from/--to as given (both or neither), today alone
 * with --point-in-time, otherwise the last full month before `now` (UTC). Pure; an `error` names
 * the option and what is allowed.
 */
export function billingPeriod(
  options: { from?: string; to?: string; pointInTime?: boolean },
  now: Date,
): { period: BillingPeriod & { pointInTime: boolean }; error?: undefined } | { error: string } {
  const today = now.toISOString().slice(0, 10);
  if (options.pointInTime) {
    if (options.from !== undefined || options.to !== undefined)
      return { error: '--point-in-time compares today: give it without --from and --to' };
    return { period: { start: today, end: today, pointInTime: true } };
  }
  if ((options.from === undefined) !== (options.to === undefined))
    return { error: '--from and --to go together: give both, or neither for the last full month' };
  if (options.from !== undefined && options.to !== undefined) {
    for (const [name, value] of [
      ['--from', options.from],
      ['--to', options.to],
    ] as const)
      if (!isDate(value)) return { error: `${name} ${value}: not a date YYYY-MM-DD` };
    if (options.from > options.to)
      return { error: `--from ${options.from} is after --to ${options.to}` };
    if (options.to > today)
      return {
        error: `--to ${options.to} is in the future (today is ${today}): Webex bills days that have passed`,
      };
    return { period: { start: options.from, end: options.to, pointInTime: false } };
  }
  const firstOfMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const lastOfPrevious = new Date(firstOfMonth - 86_400_000);
  const start = new Date(
    Date.UTC(lastOfPrevious.getUTCFullYear(), lastOfPrevious.getUTCMonth(), 1),
  );
  return {
    period: {
      start: start.toISOString().slice(0, 10),
      end: lastOfPrevious.toISOString().slice(0, 10),
      pointInTime: false,
    },
  };
}
