import type { Knex } from 'knex';

/**
 * The whole ledger. Times are ISO-8601 UTC strings (they sort as text on SQLite and PostgreSQL alike);
 * JSON documents are text. Later issues fill tables in; they are designed here together.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('partners', (t) => {
    t.string('id', 64).primary();
    t.string('locale', 8).notNullable();
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
  });

  await knex.schema.createTable('runs', (t) => {
    t.string('id', 64).primary();
    t.string('job', 32).notNullable();
    t.string('status', 16).notNullable(); // running | ok | partial | failed
    t.integer('exit_code');
    t.boolean('dry_run').notNullable().defaultTo(false);
    t.string('partner_filter', 64);
    t.string('started_at', 32).notNullable();
    t.string('finished_at', 32);
    t.string('host', 255).notNullable();
    t.integer('pid').notNullable();
    t.text('counts'); // JSON: the summary's counts
    t.text('report_dir');
    t.text('error');
    t.index(['started_at']);
  });

  // One row per lock; a run owns it until it releases it or the lease expires.
  await knex.schema.createTable('leases', (t) => {
    t.string('name', 64).primary();
    t.string('owner', 64).notNullable();
    t.string('host', 255).notNullable();
    t.integer('pid').notNullable();
    t.string('acquired_at', 32).notNullable();
    t.string('renewed_at', 32).notNullable();
    t.string('expires_at', 32).notNullable();
  });

  await knex.schema.createTable('files', (t) => {
    t.bigIncrements('id');
    t.string('partner_id', 64).notNullable().references('partners.id');
    t.string('run_id', 64).notNullable().references('runs.id');
    t.text('name').notNullable(); // as dropped, for display only: never a path
    t.string('sha256', 64);
    t.bigInteger('size');
    t.string('format', 8); // csv | xlsx
    t.string('encoding', 32);
    t.string('status', 16).notNullable(); // processed | duplicate | quarantined | skipped
    t.string('code', 40);
    t.text('message');
    t.text('stored_path'); // where the bytes went, relative to the workspace
    t.bigInteger('duplicate_of').references('files.id');
    t.integer('rows_total').notNullable().defaultTo(0);
    t.integer('rows_accepted').notNullable().defaultTo(0);
    t.integer('rows_rejected').notNullable().defaultTo(0);
    t.text('details'); // JSON: sheets, delimiter, hidden sheets, unknown columns
    t.string('created_at', 32).notNullable();
    t.index(['run_id']);
    t.index(['partner_id', 'sha256']);
  });
  // The same bytes are processed once per partner; duplicates and quarantines may repeat.
  await knex.raw(
    `CREATE UNIQUE INDEX files_processed_sha256_unique ON files (partner_id, sha256) WHERE status = 'processed'`,
  );

  await knex.schema.createTable('row_outcomes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('file_id').notNullable().references('files.id');
    t.string('run_id', 64).notNullable().references('runs.id');
    t.string('partner_id', 64).notNullable();
    t.text('sheet').notNullable();
    t.integer('row_number').notNullable();
    t.string('kind', 16).notNullable(); // customer | subscriber
    t.text('entity_key');
    t.string('outcome', 16).notNullable(); // accepted | rejected
    t.string('result', 16); // created | updated | unchanged | deleted | failed | pending
    t.text('webex_id');
    t.text('tracking_id');
    t.text('result_code');
    t.text('result_message');
    t.string('updated_at', 32);
    t.unique(['file_id', 'sheet', 'row_number']);
  });

  await knex.schema.createTable('row_issues', (t) => {
    t.bigIncrements('id');
    t.bigInteger('file_id').references('files.id');
    t.bigInteger('row_outcome_id').references('row_outcomes.id');
    t.string('run_id', 64).notNullable().references('runs.id');
    t.string('partner_id', 64).notNullable();
    t.text('sheet');
    t.integer('row_number');
    t.text('column');
    t.text('value');
    t.string('code', 40).notNullable();
    t.text('params'); // JSON: what a message in any locale needs
    t.text('message').notNullable();
    t.string('created_at', 32).notNullable();
    t.index(['run_id']);
    t.index(['file_id']);
  });

  await knex.schema.createTable('customers', (t) => {
    t.bigIncrements('id');
    t.string('partner_id', 64).notNullable().references('partners.id');
    t.string('external_id', 255).notNullable();
    // Desired state, from the latest accepted sheet row.
    t.text('desired').notNullable();
    t.string('desired_hash', 64).notNullable();
    t.string('desired_action', 8).notNullable(); // upsert | delete
    t.bigInteger('source_row_id').references('row_outcomes.id');
    t.string('staged_run_id', 64);
    t.string('staged_at', 32);
    // Last known Webex state.
    t.text('webex_id');
    t.string('webex_status', 32);
    t.text('webex_org_id');
    t.text('webex_state'); // JSON of the last GET
    t.string('applied_hash', 64); // desired_hash that Webex last accepted
    t.string('webex_seen_at', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['partner_id', 'external_id']);
    t.index(['webex_id']);
  });

  await knex.schema.createTable('subscribers', (t) => {
    t.bigIncrements('id');
    t.string('partner_id', 64).notNullable().references('partners.id');
    t.string('customer_external_id', 255).notNullable();
    t.string('email', 320).notNullable(); // lower case
    t.text('desired').notNullable();
    t.string('desired_hash', 64).notNullable();
    t.string('desired_action', 8).notNullable();
    t.bigInteger('source_row_id').references('row_outcomes.id');
    t.string('staged_run_id', 64);
    t.string('staged_at', 32);
    t.text('webex_id');
    t.text('webex_customer_id');
    t.string('webex_status', 32);
    t.text('webex_person_id');
    t.text('webex_state');
    t.string('applied_hash', 64);
    t.string('webex_seen_at', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['partner_id', 'customer_external_id', 'email']);
    t.index(['webex_id']);
  });

  // The outbox: every change is written here, with its idempotency key, before any HTTP call.
  await knex.schema.createTable('changes', (t) => {
    t.bigIncrements('id');
    t.string('partner_id', 64).notNullable().references('partners.id');
    t.string('entity', 16).notNullable(); // customer | subscriber
    t.bigInteger('entity_id').notNullable();
    t.text('entity_key').notNullable();
    t.string('action', 8).notNullable(); // create | update | delete
    t.string('idempotency_key', 200).notNullable().unique();
    t.string('desired_hash', 64).notNullable();
    t.text('payload').notNullable();
    // pending → in_flight → (awaiting → ) done | failed; unknown when a send's outcome is unknown
    t.string('status', 16).notNullable();
    t.integer('attempt').notNullable().defaultTo(0);
    t.string('lease_owner', 64);
    t.string('lease_expires_at', 32);
    t.string('next_attempt_at', 32);
    t.string('outcome', 16); // created | updated | unchanged | deleted | failed | pending
    t.text('webex_id');
    t.text('tracking_id');
    t.string('error_code', 40);
    t.text('error_message');
    t.bigInteger('source_row_id').references('row_outcomes.id');
    t.string('run_id', 64).notNullable();
    t.string('completed_run_id', 64);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['entity', 'entity_id']);
  });

  // R-RPL-1: one check per customer create or billing-address change.
  await knex.schema.createTable('rpl_checks', (t) => {
    t.bigIncrements('id');
    t.string('partner_id', 64).notNullable().references('partners.id');
    t.bigInteger('customer_id').notNullable().references('customers.id');
    t.string('trigger', 16).notNullable(); // create | address_change
    t.string('address_hash', 64);
    t.string('opened_at', 32).notNullable();
    t.string('last_status', 32);
    t.string('last_polled_at', 32);
    t.string('next_poll_at', 32);
    t.string('closed_at', 32);
    t.string('close_reason', 32); // cleared | error | deleted | deprovisioned
    t.string('run_id', 64);
    t.index(['closed_at']);
    t.index(['customer_id']);
  });

  await knex.schema.createTable('rpl_status_changes', (t) => {
    t.bigIncrements('id');
    t.bigInteger('check_id').notNullable().references('rpl_checks.id');
    t.string('status', 32).notNullable();
    t.string('observed_at', 32).notNullable();
    t.string('run_id', 64);
  });

  // R-RPL-4: attempts to reach the partner about an open match.
  await knex.schema.createTable('rpl_contact_attempts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('check_id').notNullable().references('rpl_checks.id');
    t.string('attempted_at', 32).notNullable();
    t.string('outcome', 16).notNullable(); // reached | unreachable
    t.text('note');
    t.string('run_id', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'rpl_contact_attempts',
    'rpl_status_changes',
    'rpl_checks',
    'changes',
    'subscribers',
    'customers',
    'row_issues',
    'row_outcomes',
    'files',
    'leases',
    'runs',
    'partners',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
