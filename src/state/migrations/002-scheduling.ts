import type { Knex } from 'knex'

const INSTANT = 24

/**
 * Scheduling: a claim per scheduled occurrence (unique per job, so an occurrence is run or recorded once,
 * whatever the number of instances), leases on running rows (found and recovered after a crash), live
 * instances, and requests (`circadian trigger`) for serve to pick up.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('runs', (t) => {
    t.string('claim', 64).nullable()
    t.string('lease_until', INSTANT).nullable()
  })
  await knex.schema.alterTable('runs', (t) => {
    t.unique(['job', 'claim'], { indexName: 'runs_claim_uq' })
    t.index(['status', 'lease_until'], 'runs_lease_idx')
  })
  await knex.schema.alterTable('job_state', (t) => {
    t.string('paused_at', INSTANT).nullable()
    t.text('pause_reason').nullable()
  })
  await knex.schema.createTable('instances', (t) => {
    t.string('id', 200).primary()
    t.string('host', 200).notNullable()
    t.integer('pid').notNullable()
    t.string('version', 40).notNullable()
    t.string('started_at', INSTANT).notNullable()
    t.string('heartbeat_at', INSTANT).notNullable()
    t.string('stopped_at', INSTANT).nullable()
  })
  await knex.schema.createTable('requests', (t) => {
    t.increments('id').primary()
    t.string('job', 200).notNullable()
    t.string('action', 16).notNullable()
    t.string('trigger', 16).notNullable()
    t.string('created_at', INSTANT).notNullable()
    t.string('created_by', 200).nullable()
    t.string('handled_at', INSTANT).nullable()
    t.string('handled_by', 200).nullable()
    t.string('run_id', 32).nullable()
    t.index(['handled_at'], 'requests_handled_idx')
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('requests')
  await knex.schema.dropTableIfExists('instances')
  await knex.schema.alterTable('job_state', (t) => {
    t.dropColumn('pause_reason')
    t.dropColumn('paused_at')
  })
  await knex.schema.alterTable('runs', (t) => {
    t.dropIndex(['status', 'lease_until'], 'runs_lease_idx')
    t.dropUnique(['job', 'claim'], 'runs_claim_uq')
    t.dropColumn('lease_until')
    t.dropColumn('claim')
  })
}
