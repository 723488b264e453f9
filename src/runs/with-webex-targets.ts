import { openWebexTargets, type WebexTargets } from '../webex/index.ts';
import type { App } from './run-job.ts';
import { sharedRateOf } from './shared-rate.ts';

/**
 * Runs `use` with the Webex targets of `app` (the token's rate shared through the ledger on
 * PostgreSQL), closing them afterwards whatever `use` did.
 */
export async function withWebexTargets<T>(
  app: App,
  env: NodeJS.ProcessEnv,
  use: (targets: WebexTargets) => Promise<T>,
): Promise<T> {
  const targets = await openWebexTargets(app.config, app.clock, env, undefined, sharedRateOf(app));
  try {
    return await use(targets);
  } finally {
    await targets.close();
  }
}
