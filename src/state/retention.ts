import type { Knex } from 'knex'
import { StepSizer } from './step-sizer.js'

const ACTIVE = ['running', 'queued']

/** A run retention policy in milliseconds and rows. */
export interface RunPolicy {
  maxAge: number
  keepPerJob: number
}

/** Deleted (or, dry, deletable) rows per table. */
export interface PruneCounts {
  runs: number
  run_attempts: number
  notifications: number
  notices: number
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Rows one read of the pruner walks at most (on SQLite a statement holds serve's event loop while it runs). */
export const SCAN_PAGE = 2000

/** SQLite pages one `incremental_vacuum` step gives back (4 KB each). */
export const VACUUM_STEP_PAGES = 200

/** A run's place in the (created_at, id) order, and its status. */
export interface RunCursor {
  id: string
  created_at: string
  status: string
}

/**
 * Row-level deletes for retention, each a small batch in its own transaction so a writer (the scheduler)
 * never waits long. The policy (which rows) is decided by the caller.
 */
export class RetentionRepository {
  constructor(private readonly knex: Knex) {}

  async jobsWithRuns(): Promise<string[]> {
    const rows: Array<{ job: string }> = await this.knex('job_state').select('job')
    return rows.map((r) => r.job)
  }

  /**
   * A page of a job's runs, newest first: strictly older than `after` (the last row of the previous page),
   * and not older than `since`, when given.
   */
  newestFirst(job: string, limit: number, options: { since?: string; after?: RunCursor } = {}): Promise<RunCursor[]> {
    const q = this.knex('runs').where({ job })
    if (options.since !== undefined) q.andWhere('created_at', '>=', options.since)
    return this.page(q, 'desc', limit, options.after)
  }

  /** A page of a job's settled runs older than `before`, oldest first, strictly after `after`. */
  oldestFirst(job: string, limit: number, before: string, after?: RunCursor): Promise<RunCursor[]> {
    const q = this.knex('runs').where({ job }).andWhere('created_at', '<', before).whereNotIn('status', ACTIVE)
    return this.page(q, 'asc', limit, after)
  }

  /**
   * One page in (created_at, id) order, resuming past `after` (keyset paging): the (job, created_at) index
   * gives the order, so a page reads about `limit` rows wherever it starts.
   */
  private page(q: Knex.QueryBuilder, order: 'asc' | 'desc', limit: number, after?: RunCursor): Promise<RunCursor[]> {
    if (after) {
      const [within, past] = order === 'asc' ? (['>=', '>'] as const) : (['<=', '<'] as const)
      q.andWhere('created_at', within, after.created_at).andWhere((w) =>
        w.where('created_at', past, after.created_at).orWhere('id', past, after.id),
      )
    }
    return q
      .orderBy([
        { column: 'created_at', order },
        { column: 'id', order },
      ])
      .limit(limit)
      .select('id', 'created_at', 'status')
  }

  /**
   * The instant before which this job's runs may go: older than maxAge AND behind its newest keepPerJob.
   * Null when the job has no more than keepPerJob runs. Read in pages of at most `page` rows.
   */
  async cutoff(job: string, policy: RunPolicy, now: number, page = SCAN_PAGE): Promise<string | null> {
    let boundary: RunCursor | undefined
    for (let left = policy.keepPerJob; left > 0;) {
      const rows = await this.newestFirst(job, Math.min(left, page), { after: boundary })
      if (rows.length < Math.min(left, page)) return null
      boundary = rows[rows.length - 1]
      left -= rows.length
    }
    const byAge = iso(now - policy.maxAge)
    if (!boundary) return byAge
    return boundary.created_at < byAge ? boundary.created_at : byAge
  }

  /** Deletes runs with their attempts, delivery log rows and delivered or expired notices, in one transaction. */
  async deleteRuns(ids: string[]): Promise<PruneCounts> {
    if (!ids.length) return { runs: 0, run_attempts: 0, notifications: 0, notices: 0 }
    return this.knex.transaction(async (trx) => {
      const run_attempts = Number(await trx('run_attempts').whereIn('run_id', ids).delete())
      const notifications = Number(await trx('notifications').whereIn('run_id', ids).delete())
      const notices = Number(
        await trx('notices').whereIn('run_id', ids).whereIn('status', ['sent', 'expired']).delete(),
      )
      const runs = Number(await trx('runs').whereIn('id', ids).delete())
      return { runs, run_attempts, notifications, notices }
    })
  }

  /** Counts for a dry run: what deleteRuns would remove. */
  async countRuns(ids: string[]): Promise<PruneCounts> {
    if (!ids.length) return { runs: 0, run_attempts: 0, notifications: 0, notices: 0 }
    const count = async (q: Knex.QueryBuilder) => Number((await q.count({ n: '*' }).first())?.n ?? 0)
    return {
      runs: ids.length,
      run_attempts: await count(this.knex('run_attempts').whereIn('run_id', ids)),
      notifications: await count(this.knex('notifications').whereIn('run_id', ids)),
      notices: await count(this.knex('notices').whereIn('run_id', ids).whereIn('status', ['sent', 'expired'])),
    }
  }

  /**
   * Rows of a table older than `before` on `column` (with `where`), deleted (dry: counted) walking the
   * primary key `id` in ranges of `span` ids: no statement reads more than `span` rows, whatever the table
   * holds, and no index on `column` is needed. For tables whose rows have their own rule (outbox, dead
   * letters, logs).
   */
  async pruneOlder(
    table: string,
    column: string,
    before: string,
    where: (q: Knex.QueryBuilder) => void,
    dryRun: boolean,
    span: number,
    pause: () => Promise<void>,
  ): Promise<number> {
    const bounds = (await this.knex(table).min({ lo: 'id' }).max({ hi: 'id' }).first()) as
      { lo: number | null; hi: number | null } | undefined
    if (bounds?.lo == null || bounds.hi == null) return 0
    let total = 0
    for (let from = Number(bounds.lo) - 1; from < Number(bounds.hi); from += span) {
      const q = this.knex(table)
        .where('id', '>', from)
        .andWhere('id', '<=', from + span)
        .andWhere(column, '<', before)
      where(q)
      if (dryRun) {
        total += Number((await q.count({ n: '*' }).first())?.n ?? 0)
        continue
      }
      const ids = (await q.select('id')).map((r: { id: number }) => r.id)
      if (!ids.length) continue
      total += Number(await this.knex(table).whereIn('id', ids).delete())
      await pause()
    }
    return total
  }

  /**
   * A lease for one pruner at a time across every process on the store: a kv row whose holder renews it.
   * True when `holder` has it until `until`.
   */
  async takeLease(holder: string, now: number, ttlMs: number): Promise<boolean> {
    const key = { namespace: 'circadian', key: 'retention-lease' }
    await this.knex('kv')
      .insert({ ...key, value: JSON.stringify(''), updated_at: iso(0) })
      .onConflict(['namespace', 'key'])
      .ignore()
    const n = await this.knex('kv')
      .where(key)
      .andWhere((q) => q.where('updated_at', '<', iso(now - ttlMs)).orWhere('value', JSON.stringify(holder)))
      .update({ value: JSON.stringify(holder), updated_at: iso(now) })
    return Number(n) === 1
  }

  async releaseLease(holder: string): Promise<void> {
    await this.knex('kv')
      .where({ namespace: 'circadian', key: 'retention-lease', value: JSON.stringify(holder) })
      .update({ updated_at: iso(0) })
  }

  /**
   * SQLite: give freed pages back to the file system (auto_vacuum=INCREMENTAL) in steps sized by `pages`
   * (by time), with `pause` between them: one `incremental_vacuum` over a freshly emptied multi-GB file is
   * one write transaction of seconds, and even 200 uncached pages held the lock for half a second.
   * Reports the mode found.
   */
  async reclaimSpace(
    fullVacuum: boolean,
    pages: StepSizer = new StepSizer(VACUUM_STEP_PAGES, VACUUM_STEP_PAGES, Infinity),
    pause: () => Promise<void> = async () => {},
    aborted: () => boolean = () => false,
  ): Promise<'incremental' | 'vacuumed' | 'none' | 'not-sqlite'> {
    if (this.knex.client.config.client !== 'better-sqlite3') return 'not-sqlite'
    const [row] = (await this.knex.raw('pragma auto_vacuum')) as Array<{ auto_vacuum: number }>
    if (row?.auto_vacuum === 2) {
      while (!aborted() && (await this.freePages()) > 0) {
        await pages.step((n) => this.execSqlite(`pragma incremental_vacuum(${Math.max(1, Math.floor(n))})`))
        await pause()
      }
      return 'incremental'
    }
    if (!fullVacuum) return 'none'
    await this.knex.raw('pragma auto_vacuum = INCREMENTAL')
    await this.knex.raw('vacuum')
    return 'vacuumed'
  }

  /**
   * Runs a statement to its end on the SQLite connection itself: `incremental_vacuum` yields a row per page
   * it frees, and knex (better-sqlite3's `run()`) steps a statement once, so through knex it freed one page.
   */
  private async execSqlite(sql: string): Promise<void> {
    const db = (await this.knex.client.acquireConnection()) as { exec(sql: string): unknown }
    try {
      db.exec(sql)
    } finally {
      await this.knex.client.releaseConnection(db)
    }
  }

  /** SQLite: pages on the free list (what incremental vacuum can still give back). */
  async freePages(): Promise<number> {
    const [row] = (await this.knex.raw('pragma freelist_count')) as Array<{ freelist_count: number }>
    return Number(row?.freelist_count ?? 0)
  }
}
