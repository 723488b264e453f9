import { billingSection, runBilling, type BillingPeriod } from '../src/billing/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets } from '../src/webex/index.ts';

/**
 * `rtm-batch billing`: Webex's billing reports of a period held against the ledger and the sheets.
 * Recorded as a `billing` run; its summary names `reconcile`, the job the contract's schema lists
 * nearest to it (summaryJob).
 */
export async function billingJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
  period: BillingPeriod & { pointInTime: boolean },
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'billing' }, async (ctx) => {
    const targets = await openWebexTargets(app.config, app.clock, env, ctx.signal);
    try {
      ctx.tally.billing = billingSection(await runBilling(ctx, targets, period));
      ctx.tally.notes.push(
        `billing reconciliation of ${period.start}..${period.end}${period.pointInTime ? ' (point in time)' : ''}: see billing.csv`,
      );
    } finally {
      await targets.close();
    }
  });
}
