import type { Knex } from 'knex'

/** One numbered step of a schema: applied in order, each in a transaction. */
export interface Migration {
  name: string
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

/** A schema's migrations and the table that records which are applied (one table per schema owner). */
export interface MigrationSet {
  migrations: Migration[]
  tableName: string
  /** PostgreSQL: the schema the tables live in (created when missing). */
  schema?: string
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Another process is applying the migrations, or creating the migration tables, right now. */
function isLockContention(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string }
  return (
    e?.name === 'MigrationLocked' ||
    /already locked/i.test(e?.message ?? '') ||
    e?.code === '23505' ||
    e?.code === '42P07' ||
    e?.code === '42P06' ||
    e?.code === 'ER_TABLE_EXISTS_ERROR' ||
    e?.code === 'ER_DUP_ENTRY' ||
    /SQLITE_BUSY|database is locked|already exists/i.test(e?.message ?? '')
  )
}

function sourceOf(set: MigrationSet): Knex.MigratorConfig {
  const migrationSource: Knex.MigrationSource<Migration> = {
    getMigrations: async () => set.migrations,
    getMigrationName: (m) => m.name,
    getMigration: async (m) => m,
  }
  return { migrationSource, tableName: set.tableName, schemaName: set.schema }
}

/**
 * knex creates its migration tables itself when they are missing, but two processes doing that at once can
 * insert two lock rows, after which its lock can never be taken. So the tables are made here, as knex makes
 * them, with exactly one lock row (a fixed key).
 */
async function prepareMigrationTables(knex: Knex, set: MigrationSet): Promise<void> {
  const schema = () => (set.schema ? knex.schema.withSchema(set.schema) : knex.schema)
  const lockTable = `${set.tableName}_lock`
  if (!(await schema().hasTable(set.tableName))) {
    await schema().createTable(set.tableName, (t) => {
      t.increments()
      t.string('name')
      t.integer('batch')
      t.timestamp('migration_time')
    })
  }
  if (!(await schema().hasTable(lockTable))) {
    await schema().createTable(lockTable, (t) => {
      t.increments('index').primary()
      t.integer('is_locked')
    })
  }
  const locks = set.schema ? knex(lockTable).withSchema(set.schema) : knex(lockTable)
  await locks.insert({ index: 1, is_locked: 0 }).onConflict('index').ignore()
}

/**
 * Brings a schema up to date. Several processes may start at once on one database: knex's lock lets one
 * apply the migrations, and the others wait and retry until they see them applied. When nothing is pending
 * (every start but the first) no lock is taken at all.
 */
export async function applyMigrations(knex: Knex, set: MigrationSet): Promise<void> {
  if (set.schema && knex.client.config.client === 'pg') await knex.raw('create schema if not exists ??', [set.schema])
  const config = sourceOf(set)
  for (let attempt = 0; ; attempt++) {
    try {
      await prepareMigrationTables(knex, set)
      const [, pending] = (await knex.migrate.list(config)) as [unknown, Migration[]]
      if (pending.length) await knex.migrate.latest(config)
      return
    } catch (err) {
      if (!isLockContention(err) || attempt >= 200) throw err
      await sleep(50 + Math.random() * 150)
    }
  }
}

/** The names of the migrations not applied yet (the tables need not exist). */
export async function pendingMigrationNames(knex: Knex, set: MigrationSet): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(sourceOf(set))) as [unknown, Migration[]]
  return pending.map((m) => m.name)
}
