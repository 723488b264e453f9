import type { Summary } from '../src/reports/index.ts';
import { runRplRecheck } from '../src/rpl/index.ts';
import { runJob, type App, type JobOptions, withWebexTargets } from '../src/runs/index.ts';

/** `rtm-batch rpl-recheck`: re-poll open RPL checks, age them, list deprovisioning candidates. */
export async function rplRecheckJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'rpl-recheck' }, async (ctx) =>
    withWebexTargets(app, env, async (targets) => {
      await runRplRecheck(ctx, targets);
    }),
  );
}
