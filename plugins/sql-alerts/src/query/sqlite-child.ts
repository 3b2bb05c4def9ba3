/**
 * A process that runs SQLite alert queries. better-sqlite3 is synchronous and cannot be interrupted, so the
 * queries run here, where the plugin can stop a query that overruns its timeout by killing the process.
 * argv: <filename> <ro|rw>
 */
import Database from 'better-sqlite3'
import type { SqliteReply, SqliteRequest } from './sqlite-protocol.js'

const [filename, mode] = process.argv.slice(2)
let db: Database.Database | null = null
let openError: { code: string; message: string } | null = null
try {
  db = new Database(filename, { readonly: mode === 'ro', fileMustExist: filename !== ':memory:' })
  db.defaultSafeIntegers(true)
} catch (err) {
  const e = err as { code?: string; message?: string }
  openError = {
    code: e.code ?? 'SQLITE_CANTOPEN',
    message: `cannot open SQLite database ${filename}: ${e.message ?? String(err)}`,
  }
}

function run(request: SqliteRequest): SqliteReply {
  if (!db) return { id: request.id, ok: false, ...openError! }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(request.busyTimeoutMs))}`)
    const statement = db.prepare(request.sql)
    if (!statement.reader) {
      statement.run()
      return { id: request.id, ok: true, columns: [], rows: [], truncated: false }
    }
    statement.raw(true)
    const columns = statement.columns().map((c) => c.name)
    const rows: unknown[][] = []
    let truncated = false
    for (const row of statement.iterate() as IterableIterator<unknown[]>) {
      if (rows.length === request.maxRows) {
        truncated = true
        break
      }
      rows.push(row)
    }
    return { id: request.id, ok: true, columns, rows, truncated }
  } catch (err) {
    const e = err as { code?: string; message?: string }
    return { id: request.id, ok: false, code: e.code ?? 'SQLITE_ERROR', message: e.message ?? String(err) }
  }
}

process.on('message', (request: SqliteRequest) => process.send!(run(request)))
process.on('disconnect', () => process.exit(0))
