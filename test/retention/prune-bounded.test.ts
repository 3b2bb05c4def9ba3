import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { pruneStore } from '../../src/state/retention-prune.js'
import { SCAN_PAGE } from '../../src/state/retention.js'
import { openStore, type Store } from '../../src/state/store.js'
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

/** `count` runs of `job`, one a second back from `newest`, written with raw multi-row inserts (fast). */
function seedMany(file: string, job: string, count: number, newest: number, status = 'succeeded'): void {
  const db = new Database(file)
  const insert = (rows: number) =>
    db.prepare(
      `insert into runs (id, job, type, trigger, created_at, status, attempts) values ${Array(rows).fill('(?,?,?,?,?,?,?)').join(',')}`,
    )
  db.transaction(() => {
    for (let from = 0; from < count; from += 500) {
      const params: unknown[] = []
      const rows = Math.min(500, count - from)
      for (let i = from; i < from + rows; i++)
        params.push(
          `${job}-${String(i).padStart(9, '0')}`,
          job,
          'command',
          'schedule',
          iso(newest - i * 1000),
          status,
          1,
        )
      insert(rows).run(...params)
    }
    db.prepare(
      `insert or ignore into job_state (job, paused, consecutive_failures, updated_at) values (?, 0, 0, ?)`,
    ).run(job, iso(newest))
  })()
  db.close()
}

/** Every statement the store's knex runs, with how long it took. */
function timeStatements(store: Store): Array<{ sql: string; ms: number }> {
  const started = new Map<string, [number, string]>()
  const done: Array<{ sql: string; ms: number }> = []
  store.knex.on('query', (q: { __knexQueryUid: string; sql: string }) =>
    started.set(q.__knexQueryUid, [performance.now(), q.sql]),
  )
  store.knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => {
    const [t, sql] = started.get(q.__knexQueryUid) ?? [performance.now(), '']
    done.push({ sql, ms: performance.now() - t })
  })
  return done
}

describe('pruning a large SQLite store', () => {
  let db: TestDatabase | undefined
  let store: Store | undefined
  afterEach(async () => {
    await store?.close()
    await db?.drop()
  })

  /** A new SQLite store holding `count` runs of `job`, one a second back from `newest`. */
  async function storeWith(job: string, count: number, newest: number): Promise<Store> {
    db = await createTestDatabase('sqlite')
    store = await openStore(db.config)
    seedMany((db.config as { filename: string }).filename, job, count, newest)
    return store
  }

  // serve prunes in its own process with a synchronous driver: one statement that reads a job's whole history
  // holds its event loop (and its fires) that long. Before, finding the newest run of each status read every
  // run of the job once per status never seen (a 2.5M-run job: ~0.5 s per statement).
  it('reads no more than a page of runs per statement, however many runs a job has', async () => {
    const now = Date.now()
    // 600,000 runs of one status; only the oldest 3,000 are older than maxAge.
    const s = await storeWith('big', 600_000, now - 1000)
    const maxAge = (600_000 - 3_000) * 1000
    const statements = timeStatements(s)
    const report = await pruneStore(s, {
      targets: [],
      defaults: { maxAge, keepPerJob: 1000 },
      dryRun: false,
      now,
      batchSize: 200,
    })
    // The newest of the oldest 3,000 is not the job's newest succeeded run: every one of them goes.
    expect(report.totals.runs).toBe(3_000)
    const slowest = statements.reduce((a, b) => (b.ms > a.ms ? b : a))
    // A page of SCAN_PAGE rows takes a few ms; a walk of 600,000 rows takes 50-150 ms.
    expect(slowest.ms, slowest.sql).toBeLessThan(40)
    expect(SCAN_PAGE).toBeLessThanOrEqual(5000)
  }, 120_000)

  // Oldest first: a prune stopped midway (serve stopping) has removed the oldest history, not a slice out of
  // the middle of it; and the pages it frees last are the file's end, which incremental vacuum gives back
  // at once (freed first, they sat at the far end of SQLite's free list: hours at 10M runs).
  it('deletes the oldest runs first, so one stopped midway leaves the newest', async () => {
    const now = Date.now()
    const s = await storeWith('old', 5_000, now - 100 * DAY)
    const stop = new AbortController()
    let deletes = 0
    s.knex.on('query', (q: { sql: string }) => {
      if (/^delete from .runs./i.test(q.sql) && ++deletes === 3) stop.abort()
    })
    const report = await pruneStore(s, {
      targets: [],
      defaults: { maxAge: 90 * DAY, keepPerJob: 10 },
      dryRun: false,
      now,
      batchSize: 100,
      signal: stop.signal,
    })
    expect(report.totals.runs).toBeGreaterThan(0)
    expect(report.totals.runs).toBeLessThan(4_990)
    // Seeded newest first: `old-000000000` is the newest. What is left is the newest ones, without a gap.
    const left = ((await s.knex('runs').select('id').orderBy('id')) as Array<{ id: string }>).map((r) => r.id)
    expect(left).toHaveLength(5_000 - report.totals.runs)
    expect(left).toEqual(left.map((_, i) => `old-${String(i).padStart(9, '0')}`))
  }, 60_000)

  // knex runs a statement with better-sqlite3's run(), which steps it once; `incremental_vacuum` frees one
  // page per step, so each prune gave back one page and the file only grew.
  it('gives every freed page back to the file system', async () => {
    const now = Date.now()
    const s = await storeWith('old', 20_000, now - 100 * DAY)
    const report = await pruneStore(s, {
      targets: [],
      defaults: { maxAge: 90 * DAY, keepPerJob: 10 },
      dryRun: false,
      now,
    })
    expect(report.totals.runs).toBe(19_990)
    expect(report.space).toBe('incremental')
    const [free] = (await s.knex.raw('pragma freelist_count')) as Array<{ freelist_count: number }>
    expect(free.freelist_count).toBe(0)
  }, 60_000)

  // A pruned run's delivery log rows and notices are deleted by run id: without an index each batch read
  // both tables whole inside its write transaction.
  it('finds a run’s notifications and notices by index', async () => {
    db = await createTestDatabase('sqlite')
    store = await openStore(db.config)
    for (const table of ['notifications', 'notices']) {
      const plan = (await store.knex.raw(
        `explain query plan delete from ${table} where run_id in ('a', 'b')`,
      )) as Array<{
        detail: string
      }>
      expect(plan.map((p) => p.detail).join(' '), table).toMatch(/USING (COVERING )?INDEX \w+_run_idx/)
    }
  })
})
