import { applyMigrations, type Migration } from 'circadian'
import type { Knex } from 'knex'
import * as m001 from './migrations/001-initial.js'
import * as m002 from './migrations/002-compare-columns.js'
import { dialectOf, rawRows } from './dialect.js'
import { MIGRATIONS_TABLE } from './tables.js'

/** The plugin's numbered migrations, applied in order, each in a transaction, under knex's migration lock. */
export const MIGRATIONS: Migration[] = [
  { name: '001-initial', ...m001 },
  { name: '002-compare-columns', ...m002 },
]

/**
 * SQLite page size for a database the batch tables are the first to use. A million-listing import writes
 * ~550 MB; with SQLite's default 4 KiB pages that is ~135,000 page writes, each its own system call, which
 * on a real disk cost more than the inserts. 16 KiB pages write the same rows in a quarter of the calls
 * (and score and match read fewer pages). A page size can only be chosen before the file has content, so a
 * database that already holds tables (the state database, a user's own) keeps its own.
 */
export const SQLITE_PAGE_SIZE = 16_384

async function chooseSqlitePageSize(db: Knex): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return
  const [{ n }] = rawRows<{ n: number }>(await db.raw('select count(*) as n from sqlite_master'))
  if (n === 0) await db.raw(`pragma page_size = ${SQLITE_PAGE_SIZE}`)
}

async function migrate(db: Knex): Promise<void> {
  await chooseSqlitePageSize(db)
  await applyMigrations(db, { migrations: MIGRATIONS, tableName: MIGRATIONS_TABLE })
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
