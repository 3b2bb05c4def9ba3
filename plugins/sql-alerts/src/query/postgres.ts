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

/** Errors the row-limiting subquery itself may cause (a statement valid alone, not as a subquery). */
const WRAPPING_ERRORS = new Set(['42601' /* syntax_error */, '0A000' /* feature_not_supported */])
const INT8 = 20
const NUMERIC = 1700
/**
 * Types kept as the server's text instead of the driver's parse: 64-bit integers and decimals (made exact
 * numbers below when they fit), and dates, times and intervals without a zone (pg would read them in the
 * machine's zone and shift them).
 */
const KEEP_TEXT = new Set([
  INT8,
  NUMERIC,
  1082 /* date */,
  1083 /* time */,
  1114 /* timestamp */,
  1266 /* timetz */,
  1186 /* interval */,
])

interface PgField {
  name: string
  dataTypeID: number
}
interface PgResult {
  rows: unknown[][]
  fields: PgField[]
}
type TypeParsers = { getTypeParser(oid: number, format?: string): (value: string) => unknown }

function typeParsers(db: Knex): TypeParsers | undefined {
  const driverTypes = (db.client as { driver?: { types?: TypeParsers } }).driver?.types
  if (!driverTypes) return undefined
  return {
    getTypeParser: (oid, format) =>
      KEEP_TEXT.has(oid) ? (value: string) => value : driverTypes.getTypeParser(oid, format),
  }
}

function convert(fields: PgField[]) {
  return (value: unknown, column: number): unknown => {
    const type = fields[column]?.dataTypeID
    if (value !== null && typeof value === 'string' && type === INT8) return fromBigInt(value)
    if (value !== null && typeof value === 'string' && type === NUMERIC) return fromDecimalText(value)
    return toJsonValue(value)
  }
}

function failureFrom(err: unknown, sql: string): QueryFailure {
  if (err instanceof QueryFailure) return err
  const code = (err as { code?: string }).code
  const message = driverMessage(err, sql)
  if (code === '25006') return readOnlyFailure(message)
  return new QueryFailure('sql-error', `query failed: ${message}`, { syntax: isSqlSyntaxError({ code }) })
}

/**
 * Runs an alert query on PostgreSQL in its own transaction: READ ONLY when asked, with
 * `SET LOCAL statement_timeout` so the server itself stops a slow query.
 */
export async function runPostgresQuery(db: Knex, request: QueryRequest): Promise<QueryRows> {
  const prepared = prepareStatement(request.sql, 'postgres', request.maxRows)
  const timeoutMs = Math.max(1, Math.round(request.timeoutMs))
  const mark = executionMark()
  return cancellable(
    async (control) => {
      let sent = ''
      const attempt = (statement: string) =>
        db.transaction(
          async (trx) => {
            const setup = (await trx.raw(
              `set local statement_timeout = ${timeoutMs}; select pg_backend_pid() as pid`,
            )) as unknown as Array<{ rows: Array<{ pid: number }> }>
            const pid = Number(setup[1].rows[0].pid)
            sent = `/* ${mark} */ ${statement}`
            control.onBackend(() =>
              db.raw(
                "select pg_cancel_backend(pid) from pg_stat_activity where pid = ? and state = 'active' and position(? in query) > 0",
                [pid, mark],
              ),
            )
            control.throwIfStopped()
            const result = (await trx
              .raw(sent)
              .options({ rowMode: 'array', types: typeParsers(db) })) as unknown as PgResult
            if (Array.isArray(result))
              throw new QueryFailure(
                'multiple-statements',
                'query holds more than one statement; an alert query is one statement returning one row',
              )
            return rowsFromArrays(
              result.fields.map((f) => f.name),
              result.rows ?? [],
              convert(result.fields),
              request.maxRows,
            )
          },
          { readOnly: request.readOnly },
        )
      try {
        try {
          return await attempt(prepared.sql)
        } catch (err) {
          // The statement may be fine on its own and only refuse to be a subquery: run it as written (and
          // report its own error, with positions that match what the user wrote).
          if (!prepared.limited || control.stoppedBy() || !WRAPPING_ERRORS.has((err as { code?: string }).code ?? ''))
            throw err
          return await attempt(prepared.statement)
        }
      } catch (err) {
        const stopped = control.stoppedBy()
        if (stopped) throw stopped
        const code = (err as { code?: string }).code
        if (code === '57014') throw timeoutFailure(timeoutMs)
        throw failureFrom(err, sent)
      }
    },
    timeoutMs,
    request.signal,
  )
}
