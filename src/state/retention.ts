import type { Knex } from 'knex'

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
   * The instant before which this job's runs may go: older than maxAge AND behind its newest keepPerJob.
   * Null when the job has no more than keepPerJob runs.
   */
  async cutoff(job: string, policy: RunPolicy, now: number): Promise<string | null> {
    const boundary = await this.knex('runs')
      .where({ job })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(policy.keepPerJob - 1)
      .first('created_at')
    if (!boundary) return null
    const byAge = iso(now - policy.maxAge)
    return boundary.created_at < byAge ? boundary.created_at : byAge
  }

  /** The newest run of each status the job has had: kept whatever their age (status and breakers stay true). */
  async protectedRuns(job: string, statuses: readonly string[]): Promise<Set<string>> {
    const ids = await Promise.all(
      statuses.map((status) =>
        this.knex('runs')
          .where({ job, status })
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .first('id'),
      ),
    )
    return new Set(ids.filter(Boolean).map((r: { id: string }) => r.id))
  }

  /** The next batch of prunable run ids of a job, oldest first (never running or queued ones). */
  async candidates(
    job: string,
    before: string,
    limit: number,
    afterId?: { created_at: string; id: string },
  ): Promise<Array<{ id: string; created_at: string }>> {
    const q = this.knex('runs').where({ job }).andWhere('created_at', '<', before).whereNotIn('status', ACTIVE)
    if (afterId)
      q.andWhere((w) =>
        w
          .where('created_at', '>', afterId.created_at)
          .orWhere((x) => x.where('created_at', afterId.created_at).andWhere('id', '>', afterId.id)),
      )
    return q
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit)
      .select('id', 'created_at')
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
   * Rows of a table older than `before` on `column` (with `where`), deleted `limit` at a time by primary
   * key `id`; dry: counted. For tables whose rows have their own rule (outbox, dead letters, logs).
   */
  async pruneOlder(
    table: string,
    column: string,
    before: string,
    where: (q: Knex.QueryBuilder) => void,
    dryRun: boolean,
    limit: number,
    pause: () => Promise<void>,
  ): Promise<number> {
    const base = () => {
      const q = this.knex(table).where(column, '<', before)
      where(q)
      return q
    }
    if (dryRun) return Number((await base().count({ n: '*' }).first())?.n ?? 0)
    let total = 0
    for (;;) {
      const ids = (await base().orderBy('id').limit(limit).select('id')).map((r: { id: number }) => r.id)
      if (!ids.length) return total
      total += Number(await this.knex(table).whereIn('id', ids).delete())
      await pause()
    }
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

  /** SQLite: give freed pages back to the file system (auto_vacuum=INCREMENTAL); reports the mode found. */
  async reclaimSpace(fullVacuum: boolean): Promise<'incremental' | 'vacuumed' | 'none' | 'not-sqlite'> {
    if (this.knex.client.config.client !== 'better-sqlite3') return 'not-sqlite'
    const [row] = (await this.knex.raw('pragma auto_vacuum')) as Array<{ auto_vacuum: number }>
    if (row?.auto_vacuum === 2) {
      await this.knex.raw('pragma incremental_vacuum')
      return 'incremental'
    }
    if (!fullVacuum) return 'none'
    await this.knex.raw('pragma auto_vacuum = INCREMENTAL')
    await this.knex.raw('vacuum')
    return 'vacuumed'
  }
}
