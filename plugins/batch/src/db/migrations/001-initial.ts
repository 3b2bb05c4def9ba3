import type { Knex } from 'knex'
import { T } from '../tables.js'

// The longest indexed text: 191 utf8mb4 characters fit the 767-byte index limit of older MySQL row formats.
const ID = 191
const INSTANT = 30 // ISO 8601 instants, compared as text

/** Columns every imported table has: where the row came from, when it changed, whether it is current. */
function bookkeeping(t: Knex.CreateTableBuilder): void {
  t.string('source', 200).notNullable()
  t.string('import_run', 26).notNullable()
  t.integer('change_seq').notNullable()
  t.string('content_hash', 16).notNullable()
  t.string('status', 10).notNullable()
  t.string('first_seen_at', INSTANT).notNullable()
  t.string('last_seen_at', INSTANT).notNullable()
  // No index on change_seq or source: score and full imports scan these columns once per run, while an
  // index would cost every one of a million upserts.
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(T.meta, (t) => {
    t.string('name', 100).primary()
    t.integer('num')
    t.text('value')
  })
  // The change counter every import bumps, and the rows score and match lock to run one at a time.
  await knex(T.meta).insert([
    { name: 'change_seq', num: 0 },
    { name: 'lock:score', num: 0 },
    { name: 'lock:match', num: 0 },
  ])

  await knex.schema.createTable(T.listings, (t) => {
    t.increments('id').primary()
    t.string('external_id', ID).notNullable().unique()
    t.text('title').notNullable()
    t.text('company_name').notNullable()
    t.text('company_key').notNullable()
    t.string('location', ID).notNullable()
    t.string('location_key', ID).notNullable()
    t.string('employment_type', 100).notNullable()
    t.integer('salary_min').notNullable()
    t.integer('salary_max').notNullable()
    t.string('salary_period', 10).notNullable()
    t.integer('annual_salary_min').notNullable()
    t.integer('annual_salary_max').notNullable()
    t.text('description').notNullable()
    t.integer('fee')
    t.string('posted_at', INSTANT)
    t.double('latitude')
    t.double('longitude')
    t.boolean('editorial_pick').notNullable().defaultTo(false)
    t.text('keywords').notNullable()
    bookkeeping(t)
  })

  await knex.schema.createTable(T.users, (t) => {
    t.increments('id').primary()
    t.string('external_id', ID).notNullable().unique()
    t.string('location', ID)
    t.string('location_key', ID)
    t.double('latitude')
    t.double('longitude')
    t.string('employment_type', 100)
    t.integer('desired_salary')
    t.text('keywords').notNullable()
    bookkeeping(t)
  })

  await knex.schema.createTable(T.applications, (t) => {
    t.increments('id').primary()
    t.string('user_id', ID).notNullable()
    t.string('listing_id', ID).notNullable()
    t.string('applied_at', INSTANT).notNullable()
    bookkeeping(t)
    t.unique(['user_id', 'listing_id'])
    t.index(['listing_id'])
  })

  await knex.schema.createTable(T.activity, (t) => {
    t.increments('id').primary()
    t.string('user_id', ID).notNullable()
    t.string('listing_id', ID).notNullable()
    t.string('event', 10).notNullable()
    t.string('occurred_at', INSTANT).notNullable()
    t.integer('views').notNullable()
    t.integer('clicks').notNullable()
    bookkeeping(t)
    t.unique(['user_id', 'listing_id', 'event', 'occurred_at'])
    t.index(['listing_id'])
  })

  await knex.schema.createTable(T.imports, (t) => {
    t.string('run_id', 26).primary()
    t.string('job', 200).notNullable()
    t.string('kind', 20).notNullable()
    t.string('source', 200).notNullable()
    t.string('mode', 10).notNullable()
    t.string('started_at', INSTANT).notNullable()
    t.string('finished_at', INSTANT).notNullable()
    t.integer('row_count').notNullable()
    t.integer('accepted').notNullable()
    t.integer('rejected').notNullable()
    t.integer('duplicates').notNullable()
    t.integer('absent').notNullable()
    t.integer('change_seq').notNullable()
    t.text('files').notNullable()
    t.index(['job'])
  })

  await knex.schema.createTable(T.rejects, (t) => {
    t.increments('id').primary()
    t.string('run_id', 26).notNullable()
    t.string('job', 200).notNullable()
    t.string('kind', 20).notNullable()
    t.text('file').notNullable()
    t.integer('line').notNullable()
    t.string('external_id', ID)
    t.text('reason').notNullable()
    t.text('record').notNullable()
    t.string('created_at', INSTANT).notNullable()
    t.index(['run_id'])
    t.index(['job', 'created_at'])
  })

  await knex.schema.createTable(T.listingScores, (t) => {
    t.integer('listing_id').primary()
    t.integer('views').notNullable()
    t.integer('clicks').notNullable()
    t.double('wage').notNullable()
    t.double('fee').notNullable()
    t.double('popularity').notNullable()
    t.double('basic').notNullable()
    t.double('title_quality').notNullable()
    t.double('description_quality').notNullable()
    t.double('keyword_coverage').notNullable()
    t.double('seo').notNullable()
    t.string('scored_at', INSTANT).notNullable()
  })

  await knex.schema.createTable(T.pairScores, (t) => {
    t.integer('user_id').notNullable()
    t.integer('listing_id').notNullable()
    t.double('location').notNullable()
    t.double('employment').notNullable()
    t.double('salary').notNullable()
    t.double('keywords').notNullable()
    t.double('history').notNullable()
    t.double('personalized').notNullable()
    t.double('composite').notNullable()
    t.double('distance_km')
    t.boolean('is_regional').notNullable()
    t.boolean('is_nearby').notNullable()
    t.primary(['user_id', 'listing_id'])
    t.index(['listing_id'])
  })

  // Work tables of one score run (it holds the score lock while it uses them).
  await knex.schema.createTable(T.changedListings, (t) => {
    t.integer('listing_id').primary()
  })
  await knex.schema.createTable(T.changedUsers, (t) => {
    t.integer('user_id').primary()
  })

  await knex.schema.createTable(T.recommendationSets, (t) => {
    t.string('run_id', 26).primary()
    t.string('job', 200).notNullable()
    t.string('status', 12).notNullable()
    t.string('started_at', INSTANT).notNullable()
    t.string('finished_at', INSTANT)
    t.integer('users').notNullable().defaultTo(0)
    t.integer('row_count').notNullable().defaultTo(0)
    t.index(['status'])
  })

  await knex.schema.createTable(T.recommendations, (t) => {
    t.string('run_id', 26).notNullable()
    t.integer('user_id').notNullable()
    t.integer('rank_no').notNullable()
    t.string('section', 20).notNullable()
    t.integer('position').notNullable()
    t.integer('listing_id').notNullable()
    t.double('composite').notNullable()
    t.double('basic').notNullable()
    t.double('seo').notNullable()
    t.double('personalized').notNullable()
    t.boolean('filled').notNullable()
    t.primary(['run_id', 'user_id', 'rank_no'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of Object.values(T).reverse()) await knex.schema.dropTableIfExists(table)
}
