import type { Knex } from 'knex'
import { type Dialect, dialectOf } from './dialect.js'
import { type SqliteStatement, sqliteConnectionOf, sqliteValue } from './raw-sqlite.js'

/** Rows handed over one by one and written in bulk: flush() before reading what was written. */
export interface RowSink {
  write(values: unknown[]): void | Promise<void>
  flush(): Promise<void>
  /** Rows whose key an earlier row of this sink already wrote, when the sink counts them (see BulkStatement.firstWriteSql); else null. */
  readonly repeats: number | null
}

export interface BulkStatement {
  table: string
  columns: readonly string[]
  /**
   * Columns with the same value in every row: written into the statement, not bound per row (binding a value
   * costs better-sqlite3 ~0.1 µs, a fifth of a listing's insert). Rows then carry only the other columns'
   * values. Values the code makes (ids, counters, timestamps), never user text: see sqlLiteral.
   */
  fixed?: Readonly<Record<string, string | number>>
  /** Builds the statement for `rows` rows: `values` is the VALUES list for that many rows. */
  sql(values: string, dialect: Dialect): string
  /** Server databases: a row key for dropping repeats within one statement (PostgreSQL refuses them in an upsert). */
  keyOf?: (values: unknown[]) => string
  /**
   * SQLite: the same upsert, but changing nothing (0 changes) where the row's key was already written by this
   * statement. The sink then counts those repeats as it goes and writes them again with `sql`, so the later
   * row still wins, and nobody has to scan the table afterwards to count them.
   */
  firstWriteSql?(values: string): string
}

/** A SQL literal for a value the code made; anything that would need escaping is refused. */
export function sqlLiteral(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not a literal for a bulk statement: ${value}`)
    return String(value)
  }
  if (!/^[\w:.+-]*$/.test(value)) throw new Error(`not a literal for a bulk statement: ${JSON.stringify(value)}`)
  return `'${value}'`
}

/** One row's VALUES tuple: a placeholder per bound column, the fixed values in place. */
function rowTuple(statement: BulkStatement): string {
  const fixed = statement.fixed ?? {}
  return `(${statement.columns.map((c) => (c in fixed ? sqlLiteral(fixed[c]) : '?')).join(', ')})`
}

function placeholders(row: string, rows: number): string {
  return new Array(rows).fill(row).join(', ')
}

/** PostgreSQL binds at most 65,535 values per statement. */
const MAX_BINDINGS = 30_000

/**
 * A bulk writer inside a transaction. SQLite: one prepared statement run per row on the transaction's
 * connection (fast, and nothing is buffered). PostgreSQL and MySQL/MariaDB: multi-row statements of up to
 * ~30,000 values.
 */
export async function bulkSink(trx: Knex.Transaction, statement: BulkStatement): Promise<RowSink> {
  const dialect = dialectOf(trx)
  const row = rowTuple(statement)
  const width = statement.columns.length - Object.keys(statement.fixed ?? {}).length
  if (dialect === 'sqlite') {
    const conn = await sqliteConnectionOf(trx)
    const one = placeholders(row, 1)
    const prepared: SqliteStatement = conn.prepare(statement.sql(one, dialect))
    const first: SqliteStatement | null = statement.firstWriteSql ? conn.prepare(statement.firstWriteSql(one)) : null
    let repeats = 0
    return {
      write(values) {
        for (let i = 0; i < values.length; i++) values[i] = sqliteValue(values[i])
        // Spread: better-sqlite3 reads an array's elements one by one through V8's object API, which made the
        // whole insert ~15% slower than binding the same values passed as arguments.
        if (!first) prepared.run(...values)
        else if (first.run(...values).changes === 0) {
          repeats++
          prepared.run(...values)
        }
      },
      async flush() {},
      get repeats() {
        return first ? repeats : null
      },
    }
  }
  const perStatement = Math.max(1, Math.floor(MAX_BINDINGS / width))
  let pending: unknown[][] = []
  let byKey: Map<string, unknown[]> | null = statement.keyOf ? new Map() : null
  const flush = async (): Promise<void> => {
    const rows = byKey ? [...byKey.values()] : pending
    pending = []
    byKey = statement.keyOf ? new Map() : null
    if (!rows.length) return
    await trx.raw(statement.sql(placeholders(row, rows.length), dialect), rows.flat() as Knex.RawBinding[])
  }
  return {
    async write(values) {
      if (byKey && statement.keyOf) byKey.set(statement.keyOf(values), values)
      else pending.push(values)
      if ((byKey ? byKey.size : pending.length) >= perStatement) await flush()
    },
    flush,
    repeats: null,
  }
}

/** A plain INSERT of the columns. */
export function insertStatement(table: string, columns: readonly string[]): BulkStatement {
  return { table, columns, sql: (values) => `insert into ${table} (${columns.join(', ')}) values ${values}` }
}
