import { applyMigrations, type Migration } from 'circadian'
import type { Knex } from 'knex'
import * as m001 from './migrations/001-initial.js'
import { dialectOf } from './dialect.js'
import { MIGRATIONS_TABLE, T } from './tables.js'

/** The plugin's numbered migrations, applied in order, each in a transaction, under knex's lock. */
export const MIGRATIONS: Migration[] = [{ name: '001-initial', ...m001 }]

async function migrate(db: Knex, now: number): Promise<void> {
  // A PostgreSQL connection with a `schema`: the tables go there (through the search path), so it must exist.
  const searchPath = db.client.config.searchPath as string[] | string | undefined
  const schema = Array.isArray(searchPath) ? searchPath[0] : searchPath
  if (schema && dialectOf(db) === 'pg') await db.raw('create schema if not exists ??', [schema])
  await applyMigrations(db, { migrations: MIGRATIONS, tableName: MIGRATIONS_TABLE })
  // When the store came to be: the health stage measures the lag of a stage that never ran from here.
  await db(T.meta)
    .insert({ key: 'created_at', value: String(now) })
    .onConflict('key')
    .ignore()
}

// Stages of one process share a connection: migrate it once, whoever asks first.
const migrated = new WeakMap<Knex, Promise<void>>()

/** Creates or upgrades the memory tables in `db` (once per knex instance; safe with other processes). */
export function ensureSchema(db: Knex, now: number): Promise<void> {
  let done = migrated.get(db)
  if (!done) {
    done = migrate(db, now)
    migrated.set(db, done)
    done.catch(() => migrated.delete(db))
  }
  return done
}
