import type { Knex } from 'knex'

const INSTANT = 24

/** Circuit breakers shared by every process, dead letters, notice deliveries and automatic actions. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('breakers', (t) => {
    t.string('name', 200).primary()
    t.string('state', 16).notNullable()
    t.integer('failures').notNullable().defaultTo(0)
    t.string('opened_at', INSTANT).nullable()
    t.string('trial_run_id', 32).nullable()
    t.string('updated_at', INSTANT).notNullable()
  })
  await knex.schema.createTable('dead_letters', (t) => {
    t.increments('id').primary()
    t.string('run_id', 32).notNullable()
    t.string('job', 200).notNullable()
    t.string('type', 100).notNullable()
    t.text('options').notNullable()
    t.text('error').nullable()
    t.integer('attempts').notNullable()
    t.string('scheduled_for', INSTANT).nullable()
    t.string('failed_at', INSTANT).notNullable()
    t.integer('replays').notNullable().defaultTo(0)
    t.string('resolved_at', INSTANT).nullable()
    t.string('resolved_by_run', 32).nullable()
    t.index(['resolved_at'], 'dead_letters_resolved_idx')
    t.index(['job'], 'dead_letters_job_idx')
  })
  await knex.schema.createTable('notifications', (t) => {
    t.increments('id').primary()
    t.string('run_id', 32).nullable()
    t.string('job', 200).nullable()
    t.string('notifier', 200).notNullable()
    t.string('event', 24).notNullable()
    t.string('status', 16).notNullable()
    t.integer('attempts').notNullable().defaultTo(0)
    t.text('error').nullable()
    t.string('created_at', INSTANT).notNullable()
    t.index(['notifier', 'created_at'], 'notifications_notifier_idx')
  })
  await knex.schema.createTable('actions', (t) => {
    t.increments('id').primary()
    t.string('job', 200).notNullable()
    t.string('action', 24).notNullable()
    t.text('detail').nullable()
    t.string('run_id', 32).nullable()
    t.string('created_at', INSTANT).notNullable()
    t.index(['job', 'action', 'created_at'], 'actions_job_idx')
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['actions', 'notifications', 'dead_letters', 'breakers'])
    await knex.schema.dropTableIfExists(table)
}
