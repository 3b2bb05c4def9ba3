import { applyMigrations, type Migration } from 'circadian'
import type { Knex } from 'knex'
import * as m001 from './migrations/001-initial.js'
import * as m002 from './migrations/002-compare-columns.js'
import { MIGRATIONS_TABLE } from './tables.js'

/** The plugin's numbered migrations, applied in order, each in a transaction, under knex's migration lock. */
export const MIGRATIONS: Migration[] = [
  { name: '001-initial', ...m001 },
  { name: '002-compare-columns', ...m002 },
]

function migrate(db: Knex): Promise<void> {
  return applyMigrations(db, { migrations: MIGRATIONS, tableName: MIGRATIONS_TABLE })
}

const migrated = new WeakMap<Knex, Promise<void>>()

/** Creates or upgrades the batch tables (once per knex instance; safe when other processes do it at once). */
export function ensureSchema(db: Knex): Promise<void> {
  let done = migrated.get(db)
  if (!done) {
    done = migrate(db)
    migrated.set(db, done)
    done.catch(() => migrated.delete(db))
  }
  return done
}

/** Whether the tables exist, for read-only commands that should not create them. */
export async function hasSchema(db: Knex): Promise<boolean> {
  return db.schema.hasTable(MIGRATIONS_TABLE)
}
