import type { Knex } from 'knex'
import { applyWithKnex } from './batch/apply-knex.js'
import { type SqliteDatabase, applyWithSqlite } from './batch/apply-sqlite.js'
import type { WriteOp } from './batch/ops.js'
import { planBatch } from './batch/plan.js'
import { isTransientDbError } from './transient.js'

/** How long a batch is retried while the database is away before its writers get the error. */
const RETRY_FOR_MS = 10 * 60_000

export type { WriteOp } from './batch/ops.js'

interface Pending {
  op: WriteOp
  resolve(inserted: boolean): void
  reject(err: unknown): void
}

/**
 * Coalesces writes issued in the same tick into one transaction. A scheduler firing 10,000 jobs at once costs
 * a few statements, not 60,000; a single run pays one extra event-loop turn. Each caller's promise resolves
 * once its write has committed (for an insert with a claim: whether the row was inserted).
 */
export class WriteBatcher {
  private queue: Pending[] = []
  private later: Pending[] = []
  private laterReady: Pending[] = []
  private flushing: Promise<void> | null = null
  private scheduled = false

  private outageSince: number | undefined
  /** Told about each failed attempt while the database is away. */
  onTransientError?: (err: unknown, attempt: number) => void

  constructor(private readonly knex: Knex) {}

  write(op: WriteOp): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject })
      this.schedule()
    })
  }

  /**
   * A write nothing waits on to start work (a watermark): committed in the batch after the one being
   * gathered, so the urgent writes of a wake-up (the claims a job's start waits for) commit without it.
   */
  writeLater(op: WriteOp): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.later.push({ op, resolve, reject })
      this.schedule()
    })
  }

  /** Resolves when everything written so far has committed. */
  async drain(): Promise<void> {
    while (this.queue.length || this.later.length || this.laterReady.length || this.flushing || this.scheduled) {
      if (this.flushing) await this.flushing
      else await new Promise((r) => setImmediate(r))
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.flushing = this.flush().finally(() => {
        this.flushing = null
        if (this.queue.length || this.later.length || this.laterReady.length) this.schedule()
      })
    })
  }

  /**
   * Applies a batch in one transaction. When the database is briefly away (a restart, a dropped
   * connection), the batch is kept and retried with backoff rather than lost: a run that was recorded as
   * started is always recorded as finished once the database answers again.
   */
  private async flush(): Promise<void> {
    // Deferred writes skip exactly one batch: the one gathered with them (a wake-up's claims) commits
    // without them, and they ride with the next, so a steady stream of urgent writes never starves them.
    const batch = this.laterReady.length ? this.queue.concat(this.laterReady) : this.queue
    this.queue = []
    this.laterReady = this.later
    this.later = []
    if (!batch.length) return
    const plan = planBatch(batch.map((p) => p.op))
    for (let attempt = 0; ; attempt++) {
      try {
        const inserted = await this.apply(plan)
        this.outageSince = undefined
        for (const p of batch) p.resolve(p.op.kind === 'insert' ? inserted.has(p.op.row.id) : true)
        return
      } catch (err) {
        if (!isTransientDbError(err) || Date.now() - (this.outageSince ??= Date.now()) > RETRY_FOR_MS) {
          for (const p of batch) p.reject(err)
          return
        }
        this.onTransientError?.(err, attempt)
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)))
      }
    }
  }

  private async apply(plan: ReturnType<typeof planBatch>): Promise<Set<string>> {
    if (this.knex.client.config.client !== 'better-sqlite3')
      return this.knex.transaction((trx) => applyWithKnex(trx, plan))
    const db = (await this.knex.client.acquireConnection()) as SqliteDatabase
    try {
      return applyWithSqlite(db, plan)
    } finally {
      await this.knex.client.releaseConnection(db)
    }
  }
}
