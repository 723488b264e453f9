import { importForRun } from '../src/ingest/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runJob, sharedRateOf, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets, type WebexTargets } from '../src/webex/index.ts';

/** `rtm-batch import`: pick up, parse, validate and stage partner files. */
export async function importJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'import' }, async (ctx) => {
    // Webex is reached only for partners with precheck: true.
    let opened: WebexTargets | null = null;
    try {
      await importForRun(
        ctx,
        async () =>
          (opened ??= await openWebexTargets(
            app.config,
            app.clock,
            env,
            undefined,
            sharedRateOf(app),
          )),
      );
    } finally {
      await (opened as WebexTargets | null)?.close();
    }
  });
}
