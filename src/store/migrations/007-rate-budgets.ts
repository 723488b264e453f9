import type { Knex } from 'knex';

/**
 * One row per Webex token (issue 20): the request budget every process sending with that token
 * claims its send slots from, so workers on several machines share one rate. Keyed by a
 * fingerprint of the token (a hash), never the token. Times are milliseconds on the database's
 * clock. Created on SQLite too, so both ledgers have one schema; only PostgreSQL uses it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_budgets', (t) => {
    t.string('token_key', 64).primary(); // sha256 hex of the token (see src/webex/shared-rate-limiter.ts)
    t.double('ceiling').notNullable(); // the configured webex.requestsPerSecond
    t.double('rate').notNullable(); // the shared rate now, after 429s
    t.double('next_slot_ms').notNullable(); // the first slot nobody has claimed yet
    t.double('paused_until_ms').notNullable(); // a 429's Retry-After, for every process
    t.double('busy_since_ms').notNullable(); // when slots started being claimed back to back
    t.double('last_throttle_ms').notNullable();
    t.double('last_adjust_ms').notNullable();
    t.double('probe_after_ms').notNullable();
    t.double('last_ceiling'); // the ceiling estimated at the last 429
    t.double('throttles').notNullable();
    t.double('claimed').notNullable(); // slots handed out, ever
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_budgets');
}
