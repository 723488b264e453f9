import { NotBuiltError } from '../src/cli/errors.ts';
import type { Summary } from '../src/reports/index.ts';
import type { App, JobOptions } from '../src/runs/index.ts';

/** `rtm-batch rpl-recheck`: re-poll open RPL checks and age them (RPL compliance issue). */
export function rplRecheckJob(_app: App, _opts: Omit<JobOptions, 'job'>): Promise<Summary> {
  return Promise.reject(
    new NotBuiltError('rpl-recheck', 'it arrives with the RPL compliance work'),
  );
}
