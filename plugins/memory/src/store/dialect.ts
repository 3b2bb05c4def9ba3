import type { Knex } from 'knex'

export type Dialect = 'sqlite' | 'pg' | 'mysql'

export function dialectOf(db: Knex): Dialect {
  const client = String(db.client.config.client)
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return 'pg'
  if (client.startsWith('mysql')) return 'mysql'
  return 'sqlite'
}

/** PostgreSQL returns bigint, count and numeric values as strings. */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value)
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** `?, ?, ?` for an IN list of `n` values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}

// An arbitrary constant: the key of the PostgreSQL advisory lock all stage transactions of one store share.
const STORE_LOCK = 0x6d656d6f

/**
 * Stage transactions on one store take turns: on PostgreSQL through a transaction-scoped advisory lock,
 * on SQLite through its single writer. (MySQL/MariaDB rely on row locks and the occurrence's unique key.)
 */
export async function lockStore(trx: Knex.Transaction): Promise<void> {
  if (dialectOf(trx) === 'pg') await trx.raw('select pg_advisory_xact_lock(?)', [STORE_LOCK])
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string }
  return (
    e?.code === '23505' ||
    e?.code === 'ER_DUP_ENTRY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/i.test(e?.message ?? '')
  )
}

/** knex.raw returns rows differently per driver. */
export function rows(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result)) {
    // mysql2: [rows, fields]; better-sqlite3: rows
    return (Array.isArray(result[0]) ? result[0] : result) as Array<Record<string, unknown>>
  }
  return ((result as { rows?: unknown[] }).rows ?? []) as Array<Record<string, unknown>>
}

export async function select<R = Record<string, unknown>>(
  db: Knex,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<R[]> {
  return rows(await db.raw(sql, bindings as Knex.RawBinding[])) as R[]
}
