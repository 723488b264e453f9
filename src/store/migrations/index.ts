import type { Knex } from 'knex';
import * as ledger from './001-ledger.ts';
import * as rplDeprovision from './002-rpl-deprovision.ts';
import * as claimIndex from './003-claim-index.ts';
import * as runOutcomeIndex from './004-run-outcome-index.ts';
import * as scheduleFires from './005-schedule-fires.ts';
import * as resultParams from './006-result-params.ts';
import * as rateBudgets from './007-rate-budgets.ts';
import * as retentionIndexes from './008-retention-indexes.ts';
import * as billingReports from './009-billing-reports.ts';
import * as dropBillingUserLines from './010-drop-billing-user-lines.ts';

// Listed here rather than read from a folder, so the same list serves tsx, the knex CLI and tests.
const MIGRATIONS: Record<string, Knex.Migration> = {
  '001-ledger': ledger,
  '002-rpl-deprovision': rplDeprovision,
  '003-claim-index': claimIndex,
  '004-run-outcome-index': runOutcomeIndex,
  '005-schedule-fires': scheduleFires,
  '006-result-params': resultParams,
  '007-rate-budgets': rateBudgets,
  '008-retention-indexes': retentionIndexes,
  '009-billing-reports': billingReports,
  '010-drop-billing-user-lines': dropBillingUserLines,
};

/** knex migration source over the migrations bundled with the program. */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(MIGRATIONS).sort()),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const migration = MIGRATIONS[name];
    return migration
      ? Promise.resolve(migration)
      : Promise.reject(new Error(`unknown migration ${name}`));
  },
};
