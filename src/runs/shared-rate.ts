import { rateBudgetStore, type RateBudgetRow } from '../store/index.ts';
import type { SharedBudget, SharedRate } from '../webex/index.ts';
import type { App } from './run-job.ts';

/**
 * The ledger's budget row is the rate limiter's budget, field for field: neither layer may import
 * the other, so they meet here, and tsc fails this line if one gains or loses a field.
 */
const rowIsBudget: [RateBudgetRow, SharedBudget] extends [SharedBudget, RateBudgetRow]
  ? true
  : never = true;
void rowIsBudget;

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
