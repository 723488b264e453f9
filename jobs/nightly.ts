import { importForRun, seedDemoInbox } from '../src/ingest/index.ts';
import { runProvision } from '../src/provision/index.ts';
import { runReconcile } from '../src/reconcile/index.ts';
import type { Summary } from '../src/reports/index.ts';
import { runRetention } from '../src/retention/index.ts';
import { runRplRecheck } from '../src/rpl/index.ts';
import { runJob, sharedRateOf, type App, type JobOptions } from '../src/runs/index.ts';
import { openWebexTargets, type WebexTargets } from '../src/webex/index.ts';

/**
 * `rtm-batch nightly`: import, provision, rpl-recheck and reconcile, in that order, as one run
 * under one lock (contract §4), then prunes what retention allows; `demo` first drops the sample
 * sheets. It never deprovisions.
 */
export async function nightlyJob(
  app: App,
  opts: Omit<JobOptions, 'job'> & { demo?: boolean },
  env: NodeJS.ProcessEnv,
): Promise<Summary> {
  return runJob(app, { ...opts, job: 'nightly' }, async (ctx) => {
    if (opts.demo && !ctx.dryRun) {
      const dropped = await seedDemoInbox(app.config.home, app.config.inbox.stableSeconds);
      ctx.log.info(`demo: dropped ${dropped.length} sample sheet(s) into ${app.config.home}/inbox`);
    }
    let opened: WebexTargets | null = null;
    const targets = async () =>
      (opened ??= await openWebexTargets(
        app.config,
        app.clock,
        env,
        ctx.signal,
        sharedRateOf(app),
      ));
    try {
      const startedAt = ctx.clock.now().toISOString();
      // A dry run stages nothing: what it accepted goes to the planner as a value. Each file's
      // results are written once, after provisioning, from the ledger (resultsAtEnd).
      const imported = await importForRun(ctx, targets, { resultsAtEnd: true });
      // Counted even when stopped after the import: every accepted change ends in one outcome.
      await runProvision(ctx, ctx.signal.aborted ? null : await targets(), imported.desired, {
        resultsSince: startedAt,
      });
      // R-RPL-2: the RPL follow-up comes after provisioning and never holds it up.
      if (!ctx.signal.aborted) await runRplRecheck(ctx, await targets());
      if (!ctx.signal.aborted) await runReconcile(ctx, await targets());
      // Last, once everything that could still need an old file has run (retention.days).
      if (!ctx.signal.aborted) await runRetention(ctx);
    } finally {
      await (opened as WebexTargets | null)?.close();
    }
  });
}
