import { runReconcile } from '../src/reconcile/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, type App, type JobOptions, withWebexTargets } from '../src/runs/index.ts';

/** `rtm-batch reconcile`: compare sheets, ledger and Webex; write the reconciliation report. */
export async function reconcileJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'reconcile' }, async (ctx) =>
    withWebexTargets(app, env, async (targets) => {
      await runReconcile(ctx, targets);
    }),
  );
}
