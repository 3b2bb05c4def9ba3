import { ConnectionManager, type DatabaseConfig } from 'circadian'
import type { Knex } from 'knex'
import { type DatabaseKind, type TestDatabase, createTestDatabase } from '../../../test/helpers/databases.js'
import { sqlAlertOptions, type SqlAlertOptions } from '../src/job-type/options.js'

export interface AlertDatabase {
  kind: DatabaseKind
  database: TestDatabase
  /** The connection as the core opens it for a job (`ctx.db(name)`). */
  db: Knex
  close(): Promise<void>
}

/**
 * A database of its own with a `metrics` table holding one row (x = 5), opened through the core's
 * ConnectionManager exactly as a sql-alert job's connection is.
 */
export async function alertDatabase(kind: DatabaseKind): Promise<AlertDatabase> {
  const database = await createTestDatabase(kind)
  const connections = new ConnectionManager({ main: database.config as DatabaseConfig }, process.cwd())
  await connections.prepare()
  const db = connections.get('main')
  await db.schema.createTable('metrics', (t) => {
    t.integer('x')
    t.string('label')
  })
  await db('metrics').insert({ x: 5, label: 'five' })
  return {
    kind,
    database,
    db,
    async close() {
      await connections.closeAll()
      await database.drop()
    },
  }
}

export function options(overrides: Partial<SqlAlertOptions> & { query: string }): SqlAlertOptions {
  return sqlAlertOptions.parse({ connection: 'main', ...overrides })
}

/** A query that returns `n` rows on every supported database. */
export function rowsQuery(n: number, select = "'OK' as status"): string {
  return `with recursive seq(i) as (select 1 union all select i + 1 from seq where i < ${n}) select ${select} from seq`
}
