import type { Knex } from 'knex'
import * as m001 from './migrations/001-initial.js'
import { MIGRATIONS_TABLE } from './tables.js'

interface Migration {
  name: string
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

/** The plugin's numbered migrations, applied in order, each in a transaction, under knex's migration lock. */
export const MIGRATIONS: Migration[] = [{ name: '001-initial', ...m001 }]

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Another process is applying the migrations (or creating knex's migration tables) right now. */
function isLockContention(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string }
  return (
    e?.name === 'MigrationLocked' ||
    /already locked/i.test(e?.message ?? '') ||
    e?.code === '23505' ||
    e?.code === '42P07' ||
    e?.code === 'ER_TABLE_EXISTS_ERROR' ||
    e?.code === 'ER_DUP_ENTRY' ||
    /SQLITE_BUSY|database is locked|already exists/i.test(e?.message ?? '')
  )
}

async function migrate(db: Knex): Promise<void> {
  const config = { migrationSource: source, tableName: MIGRATIONS_TABLE }
  for (let attempt = 0; ; attempt++) {
    try {
      // Look before taking knex's lock: when everything is applied (every run but the first) nobody waits.
      const [, pending] = (await db.migrate.list(config)) as [unknown, Migration[]]
      if (pending.length) await db.migrate.latest(config)
      return
    } catch (err) {
      if (!isLockContention(err) || attempt >= 200) throw err
      await sleep(50 + Math.random() * 150)
    }
  }
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
