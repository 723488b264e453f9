import type { Summary } from '../src/reports/index.ts';
import { runRplRecheck } from '../src/rpl/index.ts';
import { runJob, sharedRateOf, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets } from '../src/webex/index.ts';

/** `rtm-batch rpl-recheck`: re-poll open RPL checks, age them, list deprovisioning candidates. */
export async function rplRecheckJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'rpl-recheck' }, async (ctx) => {
    const targets = await openWebexTargets(
      app.config,
      app.clock,
      env,
      undefined,
      sharedRateOf(app),
    );
    try {
      await runRplRecheck(ctx, targets);
    } finally {
      await targets.close();
    }
  });
}
