import type { Summary } from '../src/reports/index.ts';
import {
  PlanRefusedError,
  readApplicablePlan,
  runDeprovisionApply,
  runDeprovisionPlan,
} from '../src/rpl/index.ts';
import {
  runJob,
  UsageError,
  type App,
  type JobOptions,
  withWebexTargets,
} from '../src/runs/index.ts';

/** What `deprovision` was asked to do: write a plan, or apply a reviewed one. */
export type DeprovisionRequest = { plan: true; out: string | null } | { apply: string };

/** `rtm-batch deprovision --plan | --apply FILE` (R-RPL-5). Never started by the scheduler. */
export async function deprovisionJob(
  app: App,
  opts: Omit<JobOptions, 'job'>,
  env: NodeJS.ProcessEnv,
  request: DeprovisionRequest,
): Promise<Summary> {
  let plan: Awaited<ReturnType<typeof readApplicablePlan>> | null = null;
  if ('apply' in request) {
    // A plan that was added to or changed is refused before the run starts: nothing is done.
    try {
      plan = await readApplicablePlan(app.db, request.apply);
    } catch (err) {
      if (err instanceof PlanRefusedError) throw new UsageError(err.message);
      throw err;
    }
  }
  return runJob(app, { ...opts, job: 'deprovision' }, async (ctx) =>
    withWebexTargets(app, env, async (targets) => {
      if (plan) await runDeprovisionApply(ctx, targets, plan);
      else await runDeprovisionPlan(ctx, targets, 'plan' in request ? request.out : null);
    }),
  );
}
