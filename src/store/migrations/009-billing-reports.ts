import type { Knex } from 'knex';

/**
 * Billing reconciliation (issue 22): the Webex billing reports asked for, so that a run stopped
 * while one is IN_PROGRESS picks it up next time instead of asking for another; the lines of a
 * downloaded USER report, staged per run so that a million of them are compared in SQL order, not
 * in memory; and subscribers by email, the key a billing report and the ledger share.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_reports', (t) => {
    t.bigIncrements('id');
    t.string('partner_id', 64).notNullable();
    t.string('report_type', 16).notNullable(); // CUSTOMER | USER
    t.string('period_start', 10).notNullable(); // YYYY-MM-DD
    t.string('period_end', 10).notNullable();
    t.text('webex_report_id').notNullable();
    // IN_PROGRESS | COMPLETED | FAILED (Webex's) | deleted (by us, after reading it)
    t.string('status', 16).notNullable();
    t.text('error');
    t.string('run_id', 64).notNullable(); // the run that asked for it
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['partner_id', 'report_type', 'period_start', 'period_end']);
  });

  await knex.schema.createTable('billing_user_lines', (t) => {
    t.bigIncrements('id');
    t.string('run_id', 64).notNullable();
    t.string('partner_id', 64).notNullable();
    t.string('email', 320).notNullable(); // lower case
    t.string('package', 64).notNullable();
    t.text('customer_org_id');
    t.text('customer_external_id');
    t.text('subscriber_id');
    t.integer('days');
    t.index(['run_id', 'partner_id', 'email', 'package', 'id']);
  });

  await knex.schema.alterTable('subscribers', (t) => {
    t.index(['partner_id', 'email', 'customer_external_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscribers', (t) => {
    t.dropIndex(['partner_id', 'email', 'customer_external_id']);
  });
  await knex.schema.dropTable('billing_user_lines');
  await knex.schema.dropTable('billing_reports');
}
