import type { Knex } from 'knex';

/**
 * One row per scheduled fire (job, scheduled time): the scheduler that inserts it runs it, every
 * other scheduler on the same ledger skips it, so a fire runs once however many schedulers run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('schedule_fires', (t) => {
    t.string('job', 32).notNullable();
    t.string('scheduled_at', 32).notNullable();
    t.string('claimed_by', 64).notNullable(); // the scheduler instance that runs it
    t.string('host', 255).notNullable();
    t.integer('pid').notNullable();
    t.string('reason', 16).notNullable(); // scheduled | catch-up | resume
    t.string('status', 16).notNullable(); // running | done | skipped | interrupted | failed
    t.string('claimed_at', 32).notNullable();
    t.string('finished_at', 32);
    t.text('run_ids'); // JSON array of the runs this fire started
    t.text('detail');
    t.primary(['job', 'scheduled_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('schedule_fires');
}
