import type { Knex } from 'knex'
import { T } from '../tables.js'

// Instants are epoch milliseconds in bigints: one representation on SQLite, PostgreSQL and MySQL, and
// windows ("the last 300 s") are plain integer comparisons.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(T.items, (t) => {
    t.increments('id').primary()
    t.text('content').notNullable()
    t.string('content_hash', 64).notNullable().index()
    t.bigInteger('created_at').notNullable().index()
    t.string('source', 200).notNullable().defaultTo('cli')
    t.double('importance').notNullable().defaultTo(0.5)
    t.string('tags', 1000).notNullable().defaultTo('')
    t.double('activation').notNullable()
    t.integer('access_count').notNullable().defaultTo(1)
    t.bigInteger('last_accessed_at').notNullable().index()
  })
  await knex.schema.createTable(T.terms, (t) => {
    t.integer('memory_id').unsigned().notNullable().references('id').inTable(T.items).onDelete('CASCADE')
    t.string('kind', 10).notNullable()
    t.string('term', 100).notNullable()
    t.primary(['memory_id', 'kind', 'term'])
    t.index(['kind', 'term'])
  })
  await knex.schema.createTable(T.working, (t) => {
    t.integer('memory_id').unsigned().primary().references('id').inTable(T.items).onDelete('CASCADE')
    t.integer('rank').notNullable()
    t.double('activation').notNullable()
    t.bigInteger('entered_at').notNullable()
    t.bigInteger('updated_at').notNullable()
  })
  await knex.schema.createTable(T.shortTerm, (t) => {
    t.integer('memory_id').unsigned().primary().references('id').inTable(T.items).onDelete('CASCADE')
    t.double('strength').notNullable()
    t.double('score').notNullable()
    t.bigInteger('admitted_at').notNullable().index()
    t.string('admitted_key', 255).notNullable().index()
    t.bigInteger('last_replayed_at').nullable()
    t.string('replay_key', 255).nullable()
    t.integer('replays').notNullable().defaultTo(0)
    t.string('last_fate', 20).nullable()
  })
  await knex.schema.createTable(T.longTerm, (t) => {
    t.integer('memory_id').unsigned().primary().references('id').inTable(T.items).onDelete('CASCADE')
    t.double('strength').notNullable()
    t.bigInteger('consolidated_at').notNullable().index()
    t.string('consolidated_key', 255).notNullable()
    t.bigInteger('updated_at').notNullable()
  })
  await knex.schema.createTable(T.associations, (t) => {
    t.integer('a_id').unsigned().notNullable().references('id').inTable(T.items).onDelete('CASCADE')
    t.integer('b_id').unsigned().notNullable().references('id').inTable(T.items).onDelete('CASCADE').index()
    t.double('strength').notNullable().defaultTo(0)
    t.double('target').notNullable()
    t.integer('shared_tags').notNullable().defaultTo(0)
    t.integer('shared_keywords').notNullable().defaultTo(0)
    t.integer('co_occurring').notNullable().defaultTo(0)
    t.double('llm_score').nullable()
    t.string('label', 200).nullable()
    t.string('rem_key', 255).notNullable().index()
    t.bigInteger('created_at').notNullable()
    t.bigInteger('updated_at').notNullable()
    t.primary(['a_id', 'b_id'])
  })
  await knex.schema.createTable(T.stageRuns, (t) => {
    t.increments('id').primary()
    t.string('occurrence', 255).notNullable().unique()
    t.string('stage', 40).notNullable()
    t.string('job', 200).notNullable()
    t.string('run_id', 40).notNullable()
    t.bigInteger('scheduled_for').nullable()
    t.bigInteger('started_at').notNullable()
    t.bigInteger('finished_at').nullable()
    t.string('status', 20).notNullable()
    t.integer('rows_touched').notNullable().defaultTo(0)
    t.text('summary').nullable()
    t.text('data').nullable()
    t.index(['stage', 'status', 'finished_at'])
  })
  await knex.schema.createTable(T.llmCache, (t) => {
    t.string('key', 64).primary()
    t.string('model', 200).notNullable()
    t.text('response').notNullable()
    t.bigInteger('created_at').notNullable()
    t.integer('hits').notNullable().defaultTo(0)
    t.integer('misses').notNullable().defaultTo(0)
  })
  await knex.schema.createTable(T.meta, (t) => {
    t.string('key', 100).primary()
    t.text('value').notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    T.meta,
    T.llmCache,
    T.stageRuns,
    T.associations,
    T.longTerm,
    T.shortTerm,
    T.working,
    T.terms,
    T.items,
  ]) {
    await knex.schema.dropTableIfExists(table)
  }
}
