import type { Knex } from 'knex'

export const NOTICE_STATUSES = ['pending', 'failed', 'sent', 'expired'] as const
export type NoticeStatus = (typeof NOTICE_STATUSES)[number]
/** Not delivered yet, and still to be tried. */
export const UNDELIVERED: readonly NoticeStatus[] = ['pending', 'failed']

/** A row of the `notices` outbox. */
export interface NoticeRow {
  id: number
  key: string
  notifier: string
  job: string | null
  run_id: string | null
  event: string
  body: string
  status: NoticeStatus
  attempts: number
  created_at: string
  next_attempt_at: string
  expires_at: string
  sent_at: string | null
  last_error: string | null
  claimed_by: string | null
  claim_until: string | null
  coalesced_into: string | null
}

export type NewNotice = Pick<
  NoticeRow,
  'key' | 'notifier' | 'job' | 'run_id' | 'event' | 'body' | 'created_at' | 'next_attempt_at' | 'expires_at'
>

const normalize = (r: NoticeRow): NoticeRow => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) })

/** The outbox rows. Claims are compare-and-set on `claim_until`, so processes sharing a store never both send one. */
export class OutboxRepository {
  constructor(private readonly knex: Knex) {}

  async enqueue(rows: NewNotice[]): Promise<void> {
    if (!rows.length) return
    await this.knex('notices').insert(rows.map((r) => ({ ...r, status: 'pending', attempts: 0 })))
  }

  /** Undelivered rows, oldest first (the head of each notifier and job comes first). */
  async undelivered(limit: number): Promise<NoticeRow[]> {
    return (await this.knex('notices').whereIn('status', UNDELIVERED).orderBy('id').limit(limit)).map(normalize)
  }

  /**
   * Claims these undelivered rows for `token` until `until`; only rows nobody holds (or whose claim ran out)
   * are taken. Returns the ids taken.
   */
  async claim(ids: number[], token: string, now: string, until: string): Promise<Set<number>> {
    if (!ids.length) return new Set()
    await this.knex('notices')
      .whereIn('id', ids)
      .whereIn('status', UNDELIVERED)
      .andWhere((q) => q.whereNull('claim_until').orWhere('claim_until', '<', now))
      .update({ claimed_by: token, claim_until: until })
    const rows = await this.knex('notices')
      .whereIn('id', ids)
      .andWhere({ claimed_by: token, claim_until: until })
      .select('id')
    return new Set(rows.map((r: { id: number }) => Number(r.id)))
  }

  async release(ids: number[], token: string): Promise<void> {
    if (!ids.length) return
    await this.knex('notices')
      .whereIn('id', ids)
      .andWhere({ claimed_by: token })
      .update({ claimed_by: null, claim_until: null })
  }

  /** `head` was delivered, carrying `others` with it (a coalesced backlog). */
  async markSent(head: number, others: number[], headKey: string, at: string, token: string): Promise<void> {
    await this.knex.transaction(async (trx) => {
      await trx('notices')
        .where({ id: head, claimed_by: token })
        .update({
          status: 'sent',
          sent_at: at,
          attempts: trx.raw('attempts + 1'),
          claimed_by: null,
          claim_until: null,
          last_error: null,
        })
      if (others.length)
        await trx('notices')
          .whereIn('id', others)
          .andWhere({ claimed_by: token })
          .update({ status: 'sent', sent_at: at, coalesced_into: headKey, claimed_by: null, claim_until: null })
    })
  }

  async markFailed(
    ids: number[],
    error: string,
    nextAttemptAt: string,
    token: string,
    countAttempt = true,
  ): Promise<void> {
    if (!ids.length) return
    await this.knex('notices')
      .whereIn('id', ids)
      .andWhere({ claimed_by: token })
      .update({
        status: 'failed',
        last_error: error,
        next_attempt_at: nextAttemptAt,
        claimed_by: null,
        claim_until: null,
        ...(countAttempt ? { attempts: this.knex.raw('attempts + 1') } : {}),
      })
  }

  /** Rate-limited: tried later, not counted as a failed attempt. */
  async defer(ids: number[], nextAttemptAt: string, reason: string, token: string): Promise<void> {
    if (!ids.length) return
    await this.knex('notices')
      .whereIn('id', ids)
      .andWhere({ claimed_by: token })
      .update({ next_attempt_at: nextAttemptAt, last_error: reason, claimed_by: null, claim_until: null })
  }

  async expire(ids: number[], token: string): Promise<void> {
    if (!ids.length) return
    await this.knex('notices')
      .whereIn('id', ids)
      .andWhere({ claimed_by: token })
      .update({ status: 'expired', claimed_by: null, claim_until: null })
  }

  /** Deliveries through a notifier since `since` (a coalesced backlog is one delivery). */
  async sentSince(notifier: string, since: string): Promise<{ count: number; oldest: string | null }> {
    const row = await this.knex('notices')
      .where({ notifier, status: 'sent' })
      .whereNull('coalesced_into')
      .andWhere('sent_at', '>=', since)
      .count({ n: '*' })
      .min({ oldest: 'sent_at' })
      .first()
    return { count: Number(row?.n ?? 0), oldest: (row?.oldest as string | null) ?? null }
  }

  async list(options: { status?: NoticeStatus; limit?: number } = {}): Promise<NoticeRow[]> {
    const q = this.knex('notices')
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100)
    if (options.status) q.where({ status: options.status })
    return (await q).map(normalize)
  }

  async byKeys(keys: string[]): Promise<NoticeRow[]> {
    if (!keys.length) return []
    return (await this.knex('notices').whereIn('key', keys)).map(normalize)
  }

  async byId(id: number): Promise<NoticeRow | undefined> {
    const row = await this.knex('notices').where({ id }).first()
    return row ? normalize(row) : undefined
  }

  /**
   * Puts failed or expired notices back in the queue, due now, with a fresh expiry (per notifier); `ids`
   * undefined re-queues every failed and expired one. Returns how many.
   */
  async requeue(ids: number[] | undefined, now: string, expiresAt: (notifier: string) => string): Promise<number> {
    const q = this.knex('notices').whereIn('status', ['failed', 'expired'])
    if (ids) q.whereIn('id', ids)
    const rows: Array<{ id: number; notifier: string }> = await q.select('id', 'notifier')
    for (const r of rows) {
      await this.knex('notices')
        .where({ id: r.id })
        .whereIn('status', ['failed', 'expired'])
        .update({
          status: 'pending',
          next_attempt_at: now,
          expires_at: expiresAt(r.notifier),
          claimed_by: null,
          claim_until: null,
        })
    }
    return rows.length
  }

  /** Undelivered notices, and when the oldest of them was written. */
  async backlog(): Promise<{ pending: number; oldest: string | null }> {
    const row = await this.knex('notices')
      .whereIn('status', UNDELIVERED)
      .count({ n: '*' })
      .min({ oldest: 'created_at' })
      .first()
    return { pending: Number(row?.n ?? 0), oldest: (row?.oldest as string | null) ?? null }
  }
}
