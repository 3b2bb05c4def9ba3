import type { Knex } from 'knex'
import { prepareStatement } from './prepare-statement.js'
import type { QueryRequest, QueryRows } from './query-failure.js'
import { rowsFromArrays } from './rows.js'
import { runInSqliteProcess } from './sqlite-workers.js'
import { toJsonValue } from './values.js'

/** The file behind a knex SQLite connection (the core resolves it against the config's directory). */
export function sqliteFilename(db: Knex): string {
  const connection = (db.client as { config?: { connection?: { filename?: string } } }).config?.connection
  return connection?.filename ?? ':memory:'
}

/**
 * Runs an alert query on a SQLite file. The file is opened read-only (SQLITE_OPEN_READONLY) unless
 * `readOnly: false`, in a separate process that is killed when the query overruns `timeoutMs`.
 */
export async function runSqliteQuery(db: Knex, request: QueryRequest): Promise<QueryRows> {
  const { statement } = prepareStatement(request.sql, 'sqlite', request.maxRows)
  const reply = await runInSqliteProcess(sqliteFilename(db), request.readOnly, {
    sql: statement,
    maxRows: request.maxRows,
    timeoutMs: Math.max(1, Math.round(request.timeoutMs)),
    signal: request.signal,
  })
  const rows = rowsFromArrays(reply.columns, reply.rows, toJsonValue, request.maxRows)
  return { ...rows, truncated: reply.truncated }
}
