import type { Knex } from 'knex'
import { cancellable } from './cancellable.js'
import { driverMessage, executionMark, prepareStatement } from './prepare-statement.js'
import {
  isSqlSyntaxError,
  QueryFailure,
  type QueryRequest,
  type QueryRows,
  readOnlyFailure,
  timeoutFailure,
} from './query-failure.js'
import { rowsFromArrays } from './rows.js'
import { fromBigInt, fromDecimalText, toJsonValue } from './values.js'

const DECIMAL_TYPES = new Set([0 /* DECIMAL */, 246 /* NEWDECIMAL */])
const LONGLONG = 8
const ER_MARIADB_STATEMENT_TIMEOUT = 1969
const ER_MYSQL_QUERY_TIMEOUT = 3024
const ER_READ_ONLY_TRANSACTION = 1792
/** Errors the row-limiting subquery itself may cause: a parse error, duplicate column names, "not supported yet". */
const WRAPPING_ERRORS = new Set([1064, 1060, 1235])

interface MysqlField {
  name: string
  columnType?: number
  type?: number
}

function convert(fields: MysqlField[]) {
  return (value: unknown, column: number): unknown => {
    const type = fields[column]?.columnType ?? fields[column]?.type
    if (typeof value === 'string' && type !== undefined && DECIMAL_TYPES.has(type)) return fromDecimalText(value)
    if (typeof value === 'string' && type === LONGLONG && /^-?\d+$/.test(value)) return fromBigInt(value)
    return toJsonValue(value)
  }
}

function failureFrom(err: unknown, sql: string, timeoutMs: number): QueryFailure {
  if (err instanceof QueryFailure) return err
  const errno = (err as { errno?: number }).errno
  const message = driverMessage(err, sql)
  if (errno === ER_MARIADB_STATEMENT_TIMEOUT || errno === ER_MYSQL_QUERY_TIMEOUT) return timeoutFailure(timeoutMs)
  if (errno === ER_READ_ONLY_TRANSACTION) return readOnlyFailure(message)
  return new QueryFailure('sql-error', `query failed: ${message}`, { syntax: isSqlSyntaxError({ errno }) })
}

/**
 * Runs an alert query on MariaDB or MySQL in its own transaction (`SET TRANSACTION READ ONLY` when asked).
 * The server enforces the timeout: MariaDB with `SET STATEMENT max_statement_time=… FOR`, MySQL with the
 * session's `max_execution_time` (which MySQL applies to SELECTs only; anything else is stopped with
 * KILL QUERY once the grace period has passed).
 */
export async function runMysqlQuery(db: Knex, request: QueryRequest): Promise<QueryRows> {
  const prepared = prepareStatement(request.sql, 'mysql', request.maxRows)
  const timeoutMs = Math.max(1, Math.round(request.timeoutMs))
  const mark = executionMark()
  return cancellable(
    async (control) => {
      let sent = prepared.sql
      const attempt = (sql: string) =>
        db.transaction(
          async (trx) => {
            const [[session]] = (await trx.raw('select connection_id() as id, version() as version')) as unknown as [
              [{ id: number | string; version: string }],
            ]
            const connectionId = Number(session.id)
            control.onBackend(async () => {
              const [running] = (await db.raw(
                'select id from information_schema.processlist where id = ? and info like ?',
                [connectionId, `%${mark}%`],
              )) as unknown as [unknown[]]
              if (running.length) await db.raw(`kill query ${connectionId}`)
            })
            const mariadb = /mariadb/i.test(session.version)
            const marked = `/* ${mark} */ ${sql}`
            sent = mariadb ? `SET STATEMENT max_statement_time=${(timeoutMs / 1000).toFixed(3)} FOR ${marked}` : marked
            if (!mariadb) await trx.raw(`set session max_execution_time = ${timeoutMs}`)
            try {
              control.throwIfStopped()
              const [rows, fields] = (await trx.raw(sent).options({ rowsAsArray: true })) as unknown as [
                unknown,
                MysqlField[] | undefined,
              ]
              // A statement that returns no result set (an UPDATE with readOnly: false) answers with a header, not rows.
              const arrays = Array.isArray(rows) ? (rows as unknown[][]) : []
              return rowsFromArrays(
                (fields ?? []).map((f) => f.name),
                arrays,
                convert(fields ?? []),
                request.maxRows,
              )
            } finally {
              if (!mariadb) await trx.raw('set session max_execution_time = default').catch(() => {})
            }
          },
          { readOnly: request.readOnly },
        )
      try {
        try {
          return await attempt(prepared.sql)
        } catch (err) {
          // The statement may be fine on its own and only refuse to be a subquery: run it as written (and
          // report its own error, which then quotes what the user wrote).
          if (!prepared.limited || control.stoppedBy() || !WRAPPING_ERRORS.has((err as { errno?: number }).errno ?? 0))
            throw err
          return await attempt(prepared.statement)
        }
      } catch (err) {
        const stopped = control.stoppedBy()
        if (stopped) throw stopped
        throw failureFrom(err, sent, timeoutMs)
      }
    },
    timeoutMs,
    request.signal,
  )
}
