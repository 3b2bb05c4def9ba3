import type { Knex } from 'knex'
import { T } from '../tables.js'

// The imported tables kept a hash of each row's values to tell whether a re-import changed it. The upsert now
// compares the stored columns themselves (see feed-upsert.ts), which costs a new row nothing.
const IMPORTED = [T.listings, T.users, T.applications, T.activity]

export async function up(knex: Knex): Promise<void> {
  for (const table of IMPORTED) await knex.raw('alter table ?? drop column ??', [table, 'content_hash'])
}

export async function down(knex: Knex): Promise<void> {
  for (const table of IMPORTED)
    await knex.schema.alterTable(table, (t) => t.string('content_hash', 16).notNullable().defaultTo(''))
}
