import type { Knex } from 'knex'

/** The parts of a better-sqlite3 statement and connection the fast paths use. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number }
}

export interface SqliteConnection {
  prepare(sql: string): SqliteStatement
  pragma(source: string, options?: { simple: boolean }): unknown
}

/**
 * Page cache for a bulk transaction. SQLite's default (2 MB) fills with dirty pages after a few thousand
 * rows, and every spill writes and syncs the journal mid-transaction; 64 MiB keeps that rare. A cap, so
 * memory does not grow with the size of a feed. The connection's own setting is put back afterwards.
 */
const BULK_CACHE_KIB = 65_536

export async function withBulkCache<T>(trx: Knex.Transaction, work: () => Promise<T>): Promise<T> {
  const conn = await sqliteConnectionOf(trx)
  const previous = conn.pragma('cache_size', { simple: true })
  conn.pragma(`cache_size = -${BULK_CACHE_KIB}`)
  try {
    return await work()
  } finally {
    conn.pragma(`cache_size = ${Number(previous)}`)
  }
}

/**
 * The better-sqlite3 connection a knex transaction runs on. Row-at-a-time statements on it skip knex's query
 * building, which is most of the cost of a bulk write on SQLite; they are still part of the transaction.
 */
export async function sqliteConnectionOf(trx: Knex.Transaction): Promise<SqliteConnection> {
  return (await (
    trx.client as unknown as { acquireConnection(): Promise<SqliteConnection> }
  ).acquireConnection()) as SqliteConnection
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null: booleans become 1/0. */
export function sqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value === undefined ? null : value
}
