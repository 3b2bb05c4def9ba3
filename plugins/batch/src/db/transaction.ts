import type { Knex } from 'knex'
import { dialectOf } from './dialect.js'
import { withBulkCache } from './raw-sqlite.js'

/** Waiting for another writer timed out, or the database chose this transaction to give way: try again. */
function isContention(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string }
  return (
    e?.code === 'SQLITE_BUSY' ||
    e?.code === '40001' || // PostgreSQL: serialization failure (a concurrent update of a locked row)
    e?.code === '40P01' || // PostgreSQL: deadlock
    e?.code === 'ER_LOCK_WAIT_TIMEOUT' ||
    e?.code === 'ER_LOCK_DEADLOCK' ||
    /database is locked/i.test(e?.message ?? '')
  )
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

export interface WriteTransactionOptions {
  /** PostgreSQL: read one snapshot for the whole transaction (score and match read many pages). */
  snapshot?: boolean
}

/**
 * Runs `work` in one transaction: all of it lands, or none of it. When another run holds the database
 * (SQLite's single writer, a row lock on a server) and the wait times out, the whole transaction is tried
 * again, until the job's signal aborts.
 */
export async function withWriteTransaction<T>(
  db: Knex,
  signal: AbortSignal,
  work: (trx: Knex.Transaction) => Promise<T>,
  options: WriteTransactionOptions = {},
): Promise<T> {
  const dialect = dialectOf(db)
  const config: Knex.TransactionConfig =
    options.snapshot && dialect === 'pg' ? { isolationLevel: 'repeatable read' } : {}
  const run = dialect === 'sqlite' ? (trx: Knex.Transaction) => withBulkCache(trx, () => work(trx)) : work
  for (;;) {
    try {
      return await db.transaction(run, config)
    } catch (err) {
      if (!isContention(err) || signal.aborted) throw err
      await sleep(100 + Math.random() * 400, signal)
      if (signal.aborted) throw err
    }
  }
}
