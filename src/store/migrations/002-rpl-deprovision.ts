import type { Knex } from 'knex';

/**
 * RPL deprovisioning (R-RPL-5): the plans ops reviewed, and what each apply did to each customer.
 * A plan is stored when written so that `deprovision --apply` only acts on entries it wrote.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rpl_deprovision_plans', (t) => {
    t.string('id', 64).primary();
    t.string('run_id', 64).notNullable();
    t.string('created_at', 32).notNullable();
    t.string('sha256', 64).notNullable();
    t.text('entries').notNullable(); // JSON: the candidates as written
  });

  await knex.schema.createTable('rpl_deprovisions', (t) => {
    t.bigIncrements('id');
    t.string('plan_id', 64).notNullable().references('rpl_deprovision_plans.id');
    t.string('run_id', 64).notNullable();
    t.string('partner_id', 64).notNullable();
    t.bigInteger('customer_id').notNullable().references('customers.id');
    t.bigInteger('check_id').references('rpl_checks.id');
    t.string('external_id', 255).notNullable();
    t.text('webex_id');
    // deleted | failed | skipped_cleared | skipped_not_candidate | skipped_own_org | skipped_cap | skipped_gone | skipped_done
    t.string('outcome', 32).notNullable();
    t.integer('subscribers_deleted').notNullable().defaultTo(0);
    t.text('message');
    t.text('tracking_id');
    t.string('at', 32).notNullable();
    t.index(['customer_id']);
    t.index(['plan_id']);
  });

  // Re-polls are spread by age: a check is looked at again when next_poll_at has passed.
  await knex.schema.alterTable('rpl_checks', (t) => {
    t.index(['next_poll_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rpl_checks', (t) => {
    t.dropIndex(['next_poll_at']);
  });
  await knex.schema.dropTableIfExists('rpl_deprovisions');
  await knex.schema.dropTableIfExists('rpl_deprovision_plans');
}
