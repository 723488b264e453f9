import type { Knex } from 'knex';
import * as ledger from './001-ledger.ts';

// Listed here rather than read from a folder, so the same list serves tsx, the knex CLI and tests.
const MIGRATIONS: Record<string, Knex.Migration> = {
  '001-ledger': ledger,
};

/** knex migration source over the migrations bundled with the program. */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};
