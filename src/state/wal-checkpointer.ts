import { Worker } from 'node:worker_threads'
import type { Knex } from 'knex'
import { lazyRequire } from '../lazy-require.js'

/** SQLite's own threshold (pages in the WAL before a commit checkpoints): restored if the worker goes away. */
const SQLITE_AUTOCHECKPOINT = 1000

interface SqliteConnection {
  pragma(sql: string): unknown
  name: string
}

// Runs in the worker: its own connection to the file, a PASSIVE checkpoint (never blocks the writer) each tick.
// Under steady writes a PASSIVE checkpoint never completes (frames keep arriving while it copies), so the WAL
// never starts over and grows by everything written (2.7 GB in four minutes of pruning 10M runs): past
// restartFrames, a RESTART follows the PASSIVE one. It holds writers only for what the PASSIVE one left.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.filename, { fileMustExist: true })
db.pragma('busy_timeout = 1000')
const tick = () => {
  try {
    let [r] = db.pragma('wal_checkpoint(PASSIVE)')
    let mode = 'passive'
    if (r.log > workerData.restartFrames) {
      // While a RESTART waits (for the writer, then for readers of the old WAL) no one may write: a short
      // wait, then busy (tried again next tick), so a long reader never holds the scheduler's claims.
      db.pragma('busy_timeout = ' + workerData.restartWaitMs)
      try {
        ;[r] = db.pragma('wal_checkpoint(RESTART)')
      } finally {
        db.pragma('busy_timeout = 1000')
      }
      mode = 'restart'
    }
    parentPort.postMessage({ ok: true, mode, busy: r.busy === 1, log: r.log, checkpointed: r.checkpointed })
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err && err.message || err) })
  }
}
const timer = setInterval(tick, workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  tick()
  db.close()
  parentPort.close()
})
`

/** WAL frames (4 KB pages) past which the worker also runs a RESTART checkpoint: 64 MB. */
export const RESTART_FRAMES = 16_384
/** How long a RESTART checkpoint waits for the writer and readers (writers wait behind it meanwhile). */
const RESTART_WAIT_MS = 10

export interface CheckpointResult {
  ok: boolean
  mode?: 'passive' | 'restart'
  /** A RESTART that could not finish (a writer or reader held on past the busy timeout): tried next tick. */
  busy?: boolean
  log?: number
  checkpointed?: number
  error?: string
}

export interface WalCheckpointer {
  stop(): Promise<void>
}

/**
 * serve on SQLite: the WAL is checkpointed by a worker thread with its own connection instead of by whichever
 * commit crosses SQLite's threshold. A checkpoint copies megabytes and syncs the file; done inside a commit it
 * delayed that commit by tens of milliseconds, and the commit waiting was, as often as not, the claims every
 * job of a wake-up waits for before its code starts. If the worker cannot start or dies, the connection
 * checkpoints itself again.
 */
export async function startWalCheckpointer(
  knex: Knex,
  options: {
    everyMs?: number
    restartFrames?: number
    onResult?: (r: CheckpointResult) => void
    onError?: (message: string) => void
  } = {},
): Promise<WalCheckpointer | null> {
  if (knex.client.config.client !== 'better-sqlite3') return null
  const setAutocheckpoint = async (pages: number): Promise<void> => {
    const db = (await knex.client.acquireConnection()) as SqliteConnection
    try {
      db.pragma(`wal_autocheckpoint = ${pages}`)
    } finally {
      await knex.client.releaseConnection(db)
    }
  }
  const db = (await knex.client.acquireConnection()) as SqliteConnection
  const filename = db.name
  const walMode = String((db.pragma('journal_mode') as Array<{ journal_mode: string }>)[0]?.journal_mode) === 'wal'
  await knex.client.releaseConnection(db)
  if (!walMode || filename === ':memory:' || filename === '') return null

  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      driver: lazyRequire.resolve('better-sqlite3'),
      filename,
      everyMs: options.everyMs ?? 1000,
      restartFrames: options.restartFrames ?? RESTART_FRAMES,
      restartWaitMs: RESTART_WAIT_MS,
    },
  })
  worker.unref()
  let stopping = false
  let fellBack = false
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  // A worker that throws emits 'error' and then 'exit': one fall-back, one message.
  const fallBack = (why: string) => {
    if (stopping || fellBack) return
    fellBack = true
    options.onError?.(`the WAL checkpointer stopped (${why}); the store checkpoints on commit again`)
    setAutocheckpoint(SQLITE_AUTOCHECKPOINT).catch(() => {})
  }
  worker.on('message', (r: CheckpointResult) => options.onResult?.(r))
  worker.on('error', (err) => fallBack(err.message))
  worker.on('exit', (code) => fallBack(`exit ${code}`))
  await setAutocheckpoint(0)
  return {
    async stop() {
      stopping = true
      worker.postMessage('stop')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())])
      await setAutocheckpoint(SQLITE_AUTOCHECKPOINT).catch(() => {})
    },
  }
}
