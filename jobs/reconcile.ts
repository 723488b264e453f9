import { NotBuiltError } from '../src/cli/errors.ts';
import type { Summary } from '../src/reports/index.ts';
import type { App, JobOptions } from '../src/runs/index.ts';

/** `rtm-batch reconcile`: compare sheets, ledger and Webex (reconciliation work). */
export function reconcileJob(_app: App, _opts: Omit<JobOptions, 'job'>): Promise<Summary> {
  return Promise.reject(new NotBuiltError('reconcile', 'it arrives with the reconciliation work'));
}
