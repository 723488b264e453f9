import type { Knex } from 'knex';

/**
 * A row's provisioning result keeps its message as a template and its values (`result_params`,
 * JSON), not as text: the results file renders it in the file's own language when it is written.
 * Before, the message was rendered once, in the operators' `reportLocale`, when Webex answered, so
 * a Japanese partner's results file said in English why Webex refused a row. `result_message`
 * stays for rows written before this migration.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('row_outcomes', (t) => {
    t.text('result_params').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('row_outcomes', (t) => {
    t.dropColumn('result_params');
  });
}
