import type { Knex } from 'knex'

/**
 * Pruning a run deletes its delivery log rows and its delivered notices by run id: without an index each
 * batch of deleted runs read both tables whole (on SQLite, a write transaction held that long). One row is
 * written to these tables per notice, not per run, so the index costs a run nothing; `runs` gets no index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.index(['run_id'], 'notifications_run_idx')
  })
  await knex.schema.alterTable('notices', (t) => {
    t.index(['run_id'], 'notices_run_idx')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notices', (t) => {
    t.dropIndex(['run_id'], 'notices_run_idx')
  })
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['run_id'], 'notifications_run_idx')
  })
}
