import type { Knex } from 'knex'

export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'alert',
  'skipped',
  'timed_out',
  'interrupted',
  'missed',
] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
export const TERMINAL_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter((s) => s !== 'running' && s !== 'queued')

/**
 * Leaves out runs claimed ahead of their instant (serve writes a scheduled run's row up to a second before it
 * starts): until its planned start it is not a run anyone should see as running.
 */
export function startedOrEnded(q: Knex.QueryBuilder, now = Date.now()): Knex.QueryBuilder {
  const at = new Date(now).toISOString()
  return q.where((w) => w.whereNot('status', 'running').orWhere('started_at', '<=', at))
}

/** A row of `runs`, with instants as ISO-8601 UTC strings. */
export interface RunRow {
  id: string
  job: string
  type: string
  trigger: string
  scheduled_for: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  status: RunStatus
  reason: string | null
  attempts: number
  summary: string | null
  error: string | null
  output: string | null
  data: string | null
  instance: string | null
  /** `@<scheduled instant>` for occurrences the scheduler owns: unique per job, so each is handled once. */
  claim?: string | null
  /** While running or queued: until when the owning process vouches for it (renewed by its heartbeat). */
  lease_until?: string | null
}

export interface AttemptRow {
  run_id: string
  attempt: number
  started_at: string
  finished_at: string | null
  status: string
  error: string | null
}

export interface RunQuery {
  job?: string
  status?: RunStatus
  limit?: number
}

export class RunRepository {
  constructor(private readonly knex: Knex) {}

  async insert(row: RunRow): Promise<void> {
    await this.knex('runs').insert(row)
  }

  async get(id: string): Promise<RunRow | undefined> {
    return normalize(await this.knex('runs').where({ id }).first())
  }

  /**
   * Newest first. Across all jobs the primary key gives the order: a run id begins with its creation instant
   * (a ULID made from the same clock reading as created_at), so no index on created_at is needed.
   */
  async list(query: RunQuery = {}): Promise<RunRow[]> {
    const q = startedOrEnded(this.knex('runs').select('*'))
    if (query.job) q.where('job', query.job)
    if (query.status) q.where('status', query.status)
    const order = query.job
      ? [
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]
      : [{ column: 'id', order: 'desc' }]
    const rows: RunRow[] = await q.orderBy(order).limit(query.limit ?? 20)
    return rows.map((r) => normalize(r)!)
  }

  /** The job's newest run that did its work and ended (not running, queued, skipped or missed). */
  async lastWorked(job: string): Promise<RunRow | undefined> {
    const row = await this.knex('runs')
      .where({ job })
      .whereNotIn('status', ['running', 'queued', 'skipped', 'missed'])
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first()
    return normalize(row)
  }

  async attempts(runId: string): Promise<AttemptRow[]> {
    return this.knex('run_attempts').where({ run_id: runId }).orderBy('attempt')
  }
}

function normalize(row: RunRow | undefined): RunRow | undefined {
  if (!row) return row
  return { ...row, attempts: Number(row.attempts) }
}
