import type { Knex } from 'knex'
import { runMysqlQuery } from './mysql.js'
import { runPostgresQuery } from './postgres.js'
import type { QueryRequest, QueryRows } from './query-failure.js'
import { runSqliteQuery } from './sqlite.js'

/** The knex client name the core configured for a connection: 'pg', 'mysql2' or 'better-sqlite3'. */
export function clientOf(db: Knex): string {
  const client = (db.client as { config?: { client?: unknown } }).config?.client
  return typeof client === 'string' ? client : ''
}

/** Runs an alert query with the timeout, read-only mode and row guard enforced the way its database can. */
export async function runAlertQuery(db: Knex, request: QueryRequest): Promise<QueryRows> {
  const client = clientOf(db)
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return runPostgresQuery(db, request)
  if (client === 'mysql2' || client === 'mysql') return runMysqlQuery(db, request)
  if (client === 'better-sqlite3' || client === 'sqlite3') return runSqliteQuery(db, request)
  throw new Error(
    `sql-alert does not support the database client "${client}" (PostgreSQL, MySQL/MariaDB and SQLite are supported)`,
  )
}
