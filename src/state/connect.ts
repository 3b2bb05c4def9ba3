import { closeSync, mkdirSync, openSync } from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import type { DatabaseConfig } from '../config/schema/database.js'
import { lazyRequire } from '../lazy-require.js'
import { redact } from '../reliability/redact.js'
import { isTransientDbError } from './transient.js'

export class StoreError extends Error {
  constructor(message: string) {
    super(redact(message))
    this.name = 'StoreError'
  }
}

export function describeDatabase(db: DatabaseConfig): string {
  if (db.client === 'better-sqlite3') return `SQLite ${db.filename}`
  const conn = db.connection
  if (typeof conn === 'string') {
    try {
      const url = new URL(conn)
      return `${db.client === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB'} ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`
    } catch {
      return db.client
    }
  }
  return `${db.client === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB'} ${conn?.host ?? 'localhost'}${conn?.port ? `:${conn.port}` : ''}/${conn?.database ?? ''}`
}

/**
 * knex writes its warnings to stdout (console.log), where they would break `--json` output; circadian reports
 * database errors itself.
 */
const quietKnexLog = { warn() {}, error() {}, deprecate() {}, debug() {} }
/** Bytes a WAL file is cut back to when it starts over (SQLite leaves it at its largest otherwise). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024

/**
 * A SQLite file circadian creates holds run output and state: 0600 in 0700 directories (SQLite gives its -wal
 * and -shm files the database file's mode). An existing file or directory keeps the mode its owner gave it.
 */
function createPrivately(filename: string): void {
  mkdirSync(path.dirname(filename), { recursive: true, mode: 0o700 })
  try {
    closeSync(openSync(filename, 'wx', 0o600))
  } catch {
    // It exists (or cannot be created: opening it reports that clearly).
  }
}

/**
 * The knex settings for a database from the config (SQLite files are created with their directory).
 * `ownDatabase` is true for the state store: only there is the SQLite journal switched to WAL, since that
 * changes the file for every other program that opens it.
 */
export function knexConfig(db: DatabaseConfig, ownDatabase = false): Knex.Config {
  if (db.client === 'better-sqlite3') {
    const filename = db.filename ?? ':memory:'
    // Only the state store is ours to create: a job's own SQLite database that does not exist is an error
    // for the job to report (sql-alerts says so), never an empty file made here.
    if (filename !== ':memory:') {
      if (ownDatabase) createPrivately(filename)
      else mkdirSync(path.dirname(filename), { recursive: true })
    }
    return {
      client: 'better-sqlite3',
      log: quietKnexLog,
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          try {
            conn.pragma('busy_timeout = 10000')
            if (ownDatabase) {
              // Only takes effect on a new file (before its first table); older files switch with `state prune --vacuum`.
              conn.pragma('auto_vacuum = INCREMENTAL')
              conn.pragma('journal_mode = WAL')
              conn.pragma('synchronous = NORMAL')
              // After a burst of writes (a big prune) the WAL starts over but keeps its size unless limited.
              conn.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`)
              conn.pragma('foreign_keys = ON')
            }
            done(null, conn)
          } catch (err) {
            done(err as Error, conn)
          }
        },
      },
    }
  }
  const pool = { min: db.pool?.min ?? 0, max: db.pool?.max ?? 10 }
  if (db.client === 'pg') {
    return {
      client: 'pg',
      log: quietKnexLog,
      connection: db.connection as Knex.StaticConnectionConfig,
      searchPath: db.schema ? [db.schema] : undefined,
      pool,
    }
  }
  const connection = typeof db.connection === 'string' ? { uri: db.connection } : db.connection
  return {
    client: 'mysql2',
    log: quietKnexLog,
    connection: {
      ...(connection as object),
      supportBigNumbers: true,
      dateStrings: true,
    } as Knex.StaticConnectionConfig,
    pool,
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Opens a knex instance and proves the database answers, with a clear, redacted error if not. */
export async function openKnex(db: DatabaseConfig, ownDatabase = false): Promise<Knex> {
  const knex = lazyRequire('knex') as typeof import('knex').default
  const deadline = Date.now() + 15_000
  for (;;) {
    const instance = knex(knexConfig(db, ownDatabase))
    try {
      await instance.raw('select 1')
      return instance
    } catch (err) {
      await instance.destroy().catch(() => {})
      // SQLite answers "database is locked" while another process sets up the same new file (its WAL switch).
      if (db.client === 'better-sqlite3' && isTransientDbError(err) && Date.now() < deadline) {
        await sleep(50 + Math.random() * 100)
        continue
      }
      const message = err instanceof Error ? err.message : String(err)
      throw new StoreError(`Cannot reach ${describeDatabase(db)}: ${message}`)
    }
  }
}
