import { rateBudgetStore } from '../store/index.ts';
import type { SharedRate } from '../webex/index.ts';
import type { App } from './run-job.ts';

/**
 * On PostgreSQL, where processes on several machines may send with the same token, its rate is
 * shared through the ledger; on SQLite (one process sends) each process paces alone.
 */
export function sharedRateOf(app: App, maxOwnRate?: number): SharedRate | undefined {
  if (app.config.database.client !== 'pg') return undefined;
  return {
    budgets: rateBudgetStore(app.db),
    ...(maxOwnRate !== undefined ? { maxOwnRate } : {}),
  };
}
