import type { Knex } from 'knex'

/**
 * Two indexes on `runs` that no query needs, dropped because every run pays for each index twice (its row
 * written, then its status changed): `runs_status_idx` (status) is the leading column of `runs_lease_idx`
 * (status, lease_until), which serves the same lookups; `runs_created_idx` (created_at) served the run list
 * across all jobs, which now walks the primary key (run ids begin with their creation instant).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.dropIndex(['status'], 'runs_status_idx')
    t.dropIndex(['created_at'], 'runs_created_idx')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.index(['status'], 'runs_status_idx')
    t.index(['created_at'], 'runs_created_idx')
  })
}
