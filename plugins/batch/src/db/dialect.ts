import type { Knex } from 'knex'

export type Dialect = 'sqlite' | 'pg' | 'mysql'

export function dialectOf(db: Knex): Dialect {
  const client = String(db.client.config.client)
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return 'pg'
  if (client.startsWith('mysql') || client === 'mariadb') return 'mysql'
  return 'sqlite'
}

/** PostgreSQL returns bigint and count values as strings; SQLite and MySQL booleans come back as 0/1. */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value)
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}

export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't'
}

/** A page of ids for `where … in (…)`: well under every database's limit on bound values. */
export const ID_PAGE = 500

/** The rows of a knex.raw select, whatever the driver's result shape (SQLite: rows; pg: {rows}; mysql2: [rows, fields]). */
export function rawRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result)) return (Array.isArray(result[0]) ? result[0] : result) as T[]
  return ((result as { rows?: T[] })?.rows ?? []) as T[]
}
