import { runProvision } from '../src/provision/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets } from '../src/webex/index.ts';

/** `rtm-batch provision`: send staged changes to Webex and follow their outcomes. */
export async function provisionJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'provision' }, async (ctx) => {
    const targets = await openWebexTargets(app.config, app.clock, env);
    try {
      await runProvision(ctx, targets);
    } finally {
      await targets.close();
    }
  });
}
