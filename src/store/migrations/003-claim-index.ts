import type { Knex } from 'knex';

/**
 * Claims look for a partner's ready changes of one entity by status, oldest first. Without this
 * index every claim walked the outbox from its first row past all the finished changes, so a run
 * of 20,000 changes slowed as it went.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('changes', (t) => {
    t.index(['partner_id', 'entity', 'status', 'id'], 'changes_claim_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('changes', (t) => {
    t.dropIndex(['partner_id', 'entity', 'status', 'id'], 'changes_claim_idx');
  });
}
