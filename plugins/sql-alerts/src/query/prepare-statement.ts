import { randomBytes } from 'node:crypto'
import { QueryFailure } from './query-failure.js'
import { type SqlDialect, readSqlText, returnsRowsAsSubquery } from './sql-text.js'

export interface PreparedStatement {
  /** The statement as the database receives it (row-limited where that can be done in SQL). */
  sql: string
  /** The statement as written, without trailing semicolons and comments. */
  statement: string
  /** `sql` wraps `statement` in a row-limiting subquery. */
  limited: boolean
}

/**
 * One statement, checked before it is sent: several statements are refused (a second one could write, or
 * hide which result counts). Statements that return rows are wrapped so the database itself stops after
 * `maxRows + 1` rows — the plugin never reads a runaway result into memory.
 */
export function prepareStatement(query: string, dialect: SqlDialect, maxRows: number): PreparedStatement {
  const text = readSqlText(query, dialect)
  if (text.statementCount === 0)
    throw new QueryFailure('sql-error', 'query is empty (only comments or semicolons)', { syntax: true })
  if (text.statementCount > 1) {
    throw new QueryFailure(
      'multiple-statements',
      `query holds ${text.statementCount} statements; an alert query is one statement returning one row`,
    )
  }
  const limited = dialect !== 'sqlite' && returnsRowsAsSubquery(text.firstKeyword)
  const sql = limited
    ? `select * from (\n${text.statement}\n) as circadian_alert_rows limit ${maxRows + 1}`
    : text.statement
  return { sql, statement: text.statement, limited }
}

/** knex puts the SQL in front of the driver's message ("select ... - relation x does not exist"): keep the message. */
export function driverMessage(err: unknown, sql: string): string {
  const e = err as { sqlMessage?: string; message?: string }
  if (typeof e?.sqlMessage === 'string' && e.sqlMessage) return e.sqlMessage
  const message = typeof e?.message === 'string' ? e.message : String(err)
  const prefix = `${sql} - `
  return message.startsWith(prefix) ? message.slice(prefix.length) : message
}

/**
 * A comment naming one execution of a statement. A cancel is only sent to a session still running the
 * statement with this mark, never to whatever the pooled connection runs next.
 */
export function executionMark(): string {
  return `sql-alert ${randomBytes(6).toString('hex')}`
}
