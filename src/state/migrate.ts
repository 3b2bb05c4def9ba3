import type { Knex } from 'knex'
import * as m001 from './migrations/001-initial.js'
import * as m002 from './migrations/002-scheduling.js'
import * as m003 from './migrations/003-reliability.js'

interface Migration {
  name: string
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

/** Numbered migrations, applied in order, each in a transaction, under knex's migration lock. */
export const MIGRATIONS: Migration[] = [
  { name: '001-initial', ...m001 },
  { name: '002-scheduling', ...m002 },
  { name: '003-reliability', ...m003 },
]

export const MIGRATIONS_TABLE = 'circadian_migrations'

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function isLockContention(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string }
  return (
    e?.name === 'MigrationLocked' ||
    /already locked/i.test(e?.message ?? '') ||
    // Two processes creating the migrations tables at the same moment.
    e?.code === '23505' ||
    e?.code === '42P07' ||
    e?.code === 'ER_TABLE_EXISTS_ERROR' ||
    e?.code === 'ER_DUP_ENTRY' ||
    /SQLITE_BUSY|database is locked|already exists/i.test(e?.message ?? '')
  )
}

/**
 * Brings the schema up to date. Several processes may start at once on one database: knex's lock lets one
 * apply the migrations, and the others wait and retry until they see them applied.
 */
export async function migrateToLatest(knex: Knex, schema?: string): Promise<void> {
  if (schema && knex.client.config.client === 'pg') await knex.raw('create schema if not exists ??', [schema])
  const config = { migrationSource: source, tableName: MIGRATIONS_TABLE, schemaName: schema }
  for (let attempt = 0; ; attempt++) {
    try {
      await knex.migrate.latest(config)
      return
    } catch (err) {
      if (!isLockContention(err) || attempt >= 60) throw err
      await sleep(100 + Math.random() * 200)
    }
  }
}

export async function pendingMigrations(knex: Knex, schema?: string): Promise<string[]> {
  const [, pending] = (await knex.migrate.list({ migrationSource: source, tableName: MIGRATIONS_TABLE, schemaName: schema })) as [unknown, Migration[]]
  return pending.map((m) => m.name)
}
