import { runReconcile } from '../src/reconcile/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, sharedRateOf, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets } from '../src/webex/index.ts';

/** `rtm-batch reconcile`: compare sheets, ledger and Webex; write the reconciliation report. */
export async function reconcileJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'reconcile' }, async (ctx) => {
    const targets = await openWebexTargets(
      app.config,
      app.clock,
      env,
      undefined,
      sharedRateOf(app),
    );
    try {
      await runReconcile(ctx, targets);
    } finally {
      await targets.close();
    }
  });
}
