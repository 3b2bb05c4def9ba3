import type { Knex } from 'knex'

/** Instants are ISO-8601 UTC text ('2026-03-29T01:00:00.000Z'): sortable, readable, the same on every database. */
const INSTANT = 24

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('runs', (t) => {
    t.string('id', 32).primary()
    t.string('job', 200).notNullable()
    t.string('type', 100).notNullable()
    t.string('trigger', 16).notNullable()
    t.string('scheduled_for', INSTANT).nullable()
    t.string('created_at', INSTANT).notNullable()
    t.string('started_at', INSTANT).nullable()
    t.string('finished_at', INSTANT).nullable()
    t.string('status', 16).notNullable()
    t.string('reason', 40).nullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.text('summary').nullable()
    t.text('error').nullable()
    t.text('output').nullable()
    t.text('data').nullable()
    t.string('instance', 200).nullable()
    t.index(['job', 'created_at'], 'runs_job_created_idx')
    t.index(['status'], 'runs_status_idx')
    t.index(['created_at'], 'runs_created_idx')
  })
  await knex.schema.createTable('run_attempts', (t) => {
    t.string('run_id', 32).notNullable().references('id').inTable('runs').onDelete('CASCADE')
    t.integer('attempt').notNullable()
    t.string('started_at', INSTANT).notNullable()
    t.string('finished_at', INSTANT).nullable()
    t.string('status', 16).notNullable()
    t.text('error').nullable()
    t.primary(['run_id', 'attempt'])
  })
  await knex.schema.createTable('job_state', (t) => {
    t.string('job', 200).primary()
    t.string('watermark', INSTANT).nullable()
    t.string('last_status', 16).nullable()
    t.string('last_run_id', 32).nullable()
    t.string('last_run_at', INSTANT).nullable()
    t.string('last_success_at', INSTANT).nullable()
    t.boolean('paused').notNullable().defaultTo(false)
    t.integer('consecutive_failures').notNullable().defaultTo(0)
    t.string('updated_at', INSTANT).notNullable()
  })
  await knex.schema.createTable('kv', (t) => {
    t.string('namespace', 100).notNullable()
    t.string('key', 250).notNullable()
    t.text('value').notNullable()
    t.string('updated_at', INSTANT).notNullable()
    t.primary(['namespace', 'key'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['run_attempts', 'runs', 'job_state', 'kv']) await knex.schema.dropTableIfExists(table)
}
