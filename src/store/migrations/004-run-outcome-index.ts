import type { Knex } from 'knex';

/**
 * A run counts what it completed (created, failed…) and plans around it by `completed_run_id`.
 * Without an index each of those reads walked the whole outbox, which only grows: years of nightly
 * runs would make every run's counting slower than the last.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('changes', (t) => {
    t.index(['completed_run_id', 'partner_id', 'entity', 'entity_id'], 'changes_run_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('changes', (t) => {
    t.dropIndex(['completed_run_id', 'partner_id', 'entity', 'entity_id'], 'changes_run_idx');
  });
}
