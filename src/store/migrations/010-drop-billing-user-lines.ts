import type { Knex } from 'knex';

/**
 * Billing reconciliation no longer stages a USER report's lines (issue 22, billing at scale): the
 * report and the ledger are read into one index by email in memory, bounded by the users, so
 * `billing_user_lines` (009) has no reader or writer. Staged lines were per run and cleared after
 * each comparison: nothing is lost.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('billing_user_lines');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_user_lines', (t) => {
    t.bigIncrements('id');
    t.string('run_id', 64).notNullable();
    t.string('partner_id', 64).notNullable();
    t.string('email', 320).notNullable();
    t.string('package', 64).notNullable();
    t.text('customer_org_id');
    t.text('customer_external_id');
    t.text('subscriber_id');
    t.integer('days');
    t.index(['run_id', 'partner_id', 'email', 'package', 'id']);
  });
}
