import type { Knex } from 'knex'

export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerRow {
  name: string
  state: BreakerState
  failures: number
  opened_at: string | null
  trial_run_id: string | null
  updated_at: string
}

export interface DeadLetterRow {
  id: number
  run_id: string
  job: string
  type: string
  /** The job's options when it failed, redacted; JSON. */
  options: string
  error: string | null
  attempts: number
  scheduled_for: string | null
  failed_at: string
  replays: number
  resolved_at: string | null
  resolved_by_run: string | null
}

export interface NotificationRow {
  run_id: string | null
  job: string | null
  notifier: string
  event: string
  status: 'sent' | 'failed' | 'rate_limited' | 'expired'
  attempts: number
  error: string | null
  created_at: string
}

/** Breaker rows; transitions are compare-and-set, so processes sharing the store agree. */
export class BreakerRepository {
  constructor(private readonly knex: Knex) {}

  async get(name: string): Promise<BreakerRow | undefined> {
    const row = await this.knex('breakers').where({ name }).first()
    return row ? { ...row, failures: Number(row.failures) } : undefined
  }

  async all(): Promise<BreakerRow[]> {
    return (await this.knex('breakers').orderBy('name')).map((r: BreakerRow) => ({
      ...r,
      failures: Number(r.failures),
    }))
  }

  async ensure(name: string, at: string): Promise<void> {
    await this.knex('breakers')
      .insert({ name, state: 'closed', failures: 0, opened_at: null, trial_run_id: null, updated_at: at })
      .onConflict('name')
      .ignore()
  }

  /** Moves the breaker from `from` (as last seen, by updated_at) to `changes`; false if someone else moved it first. */
  async transition(
    name: string,
    from: Pick<BreakerRow, 'state' | 'updated_at'>,
    changes: Partial<BreakerRow>,
  ): Promise<boolean> {
    const n = await this.knex('breakers')
      .where({ name, state: from.state, updated_at: from.updated_at })
      .update(changes)
    return Number(n) === 1
  }

  async reset(name: string, at: string): Promise<boolean> {
    const n = await this.knex('breakers')
      .where({ name })
      .update({ state: 'closed', failures: 0, opened_at: null, trial_run_id: null, updated_at: at })
    return Number(n) === 1
  }
}

export class DeadLetterRepository {
  constructor(private readonly knex: Knex) {}

  /** A new letter, or, when the run was itself a replay of a letter, that letter updated. */
  async add(row: Omit<DeadLetterRow, 'id' | 'replays' | 'resolved_at' | 'resolved_by_run'>): Promise<void> {
    await this.knex('dead_letters').insert({ ...row, replays: 0, resolved_at: null, resolved_by_run: null })
  }

  async list(options: { includeResolved?: boolean; job?: string; limit?: number } = {}): Promise<DeadLetterRow[]> {
    // Unresolved letters first (they need someone), newest first within each group.
    const q = this.knex('dead_letters')
      .orderByRaw('case when resolved_at is null then 0 else 1 end')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
    if (!options.includeResolved) q.whereNull('resolved_at')
    if (options.job) q.where({ job: options.job })
    return (await q).map(normalizeLetter)
  }

  async get(id: number): Promise<DeadLetterRow | undefined> {
    const row = await this.knex('dead_letters').where({ id }).first()
    return row ? normalizeLetter(row) : undefined
  }

  async markReplayed(id: number, runId: string, succeeded: boolean, at: string, error: string | null): Promise<void> {
    const changes: Record<string, unknown> = { replays: this.knex.raw('replays + 1') }
    if (succeeded) Object.assign(changes, { resolved_at: at, resolved_by_run: runId })
    else Object.assign(changes, { error, failed_at: at })
    await this.knex('dead_letters').where({ id }).update(changes)
  }

  async unresolvedCount(): Promise<number> {
    const row = await this.knex('dead_letters').whereNull('resolved_at').count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  }

  /** Deletes letters that failed before `before`; with `resolvedOnly`, only those already resolved. */
  async purge(before: string, resolvedOnly: boolean): Promise<number> {
    const q = this.knex('dead_letters').where('failed_at', '<', before)
    if (resolvedOnly) q.whereNotNull('resolved_at')
    return Number(await q.delete())
  }
}

function normalizeLetter(row: DeadLetterRow): DeadLetterRow {
  return { ...row, id: Number(row.id), attempts: Number(row.attempts), replays: Number(row.replays) }
}

export class NotificationRepository {
  constructor(private readonly knex: Knex) {}

  async record(row: NotificationRow): Promise<void> {
    await this.knex('notifications').insert(row)
  }

  async sentSince(notifier: string, since: string): Promise<number> {
    const row = await this.knex('notifications')
      .where({ notifier, status: 'sent' })
      .andWhere('created_at', '>=', since)
      .count({ n: '*' })
      .first()
    return Number(row?.n ?? 0)
  }

  async list(limit = 100): Promise<NotificationRow[]> {
    return this.knex('notifications').orderBy('id', 'desc').limit(limit)
  }
}

export class ActionRepository {
  constructor(private readonly knex: Knex) {}

  async record(job: string, action: string, detail: string, runId: string | null, at: string): Promise<void> {
    await this.knex('actions').insert({ job, action, detail, run_id: runId, created_at: at })
  }

  async lastAt(job: string, action: string): Promise<string | null> {
    const row = await this.knex('actions').where({ job, action }).orderBy('created_at', 'desc').first('created_at')
    return row?.created_at ?? null
  }

  async list(
    job?: string,
    limit = 100,
  ): Promise<Array<{ job: string; action: string; detail: string | null; run_id: string | null; created_at: string }>> {
    const q = this.knex('actions').orderBy('id', 'desc').limit(limit)
    if (job) q.where({ job })
    return q
  }
}
