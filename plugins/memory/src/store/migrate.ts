import type { Knex } from 'knex'
import * as m001 from './migrations/001-initial.js'
import { dialectOf } from './dialect.js'
import { MIGRATIONS_TABLE, T } from './tables.js'

interface Migration {
  name: string
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

/** The plugin's numbered migrations, applied in order, each in a transaction, under knex's lock. */
export const MIGRATIONS: Migration[] = [{ name: '001-initial', ...m001 }]

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function isLockContention(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string }
  return (
    e?.name === 'MigrationLocked' ||
    /already locked/i.test(e?.message ?? '') ||
    // Two processes creating the migration tables at the same moment.
    e?.code === '23505' ||
    e?.code === '42P07' ||
    e?.code === 'ER_TABLE_EXISTS_ERROR' ||
    e?.code === 'ER_DUP_ENTRY' ||
    /SQLITE_BUSY|database is locked/i.test(e?.message ?? '') ||
    /memory_migrations\S* already exists/i.test(e?.message ?? '')
  )
}

const LOCK_TABLE = `${MIGRATIONS_TABLE}_lock`

/**
 * knex creates its migration tables itself when missing, but two processes doing it at once can insert two
 * lock rows, after which the lock can never be taken. So: the tables as knex makes them, and exactly one
 * lock row (a fixed key).
 */
async function prepareMigrationTables(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) {
    await db.schema.createTable(MIGRATIONS_TABLE, (t) => {
      t.increments()
      t.string('name')
      t.integer('batch')
      t.timestamp('migration_time')
    })
  }
  if (!(await db.schema.hasTable(LOCK_TABLE))) {
    await db.schema.createTable(LOCK_TABLE, (t) => {
      t.increments('index').primary()
      t.integer('is_locked')
    })
  }
  await db(LOCK_TABLE).insert({ index: 1, is_locked: 0 }).onConflict('index').ignore()
}

async function migrate(db: Knex, now: number): Promise<void> {
  // A PostgreSQL connection with a `schema`: the tables go there, so it must exist.
  const searchPath = db.client.config.searchPath as string[] | string | undefined
  const schema = Array.isArray(searchPath) ? searchPath[0] : searchPath
  if (schema && dialectOf(db) === 'pg') await db.raw('create schema if not exists ??', [schema])
  const config = { migrationSource: source, tableName: MIGRATIONS_TABLE }
  for (let attempt = 0; ; attempt++) {
    try {
      await prepareMigrationTables(db)
      await db.migrate.latest(config)
      break
    } catch (err) {
      if (!isLockContention(err) || attempt >= 100) throw err
      await sleep(50 + Math.random() * 150)
    }
  }
  // When the store came to be: the health stage measures the lag of a stage that never ran from here.
  await db(T.meta).insert({ key: 'created_at', value: String(now) }).onConflict('key').ignore()
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
