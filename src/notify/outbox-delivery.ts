import { randomBytes } from 'node:crypto'
import type { NotifierConfig } from '../config/schema/notifiers.js'
import { redact } from '../reliability/redact.js'
import type { JobLogger } from '../run/job-type.js'
import type { Clock } from '../schedule/clock.js'
import type { NoticeRow } from '../state/outbox.js'
import type { Store } from '../state/store.js'
import { type Channel, channelFor } from './channels.js'
import { coalesce, coalesceKey } from './coalesce.js'

/** How long a claim on a notice lasts: far longer than one delivery (10 s timeout), so only a dead process loses it. */
export const CLAIM_MS = 60_000
const FIRST_RETRY_MS = 2_000
const MAX_RETRY_MS = 10 * 60_000
/** How many undelivered rows one cycle looks at (the oldest; a group's head is always among them). */
const WINDOW = 500
/** Notifier and job groups delivered side by side in one cycle. */
const PARALLEL = 8

export type DeliveryStatus = 'sent' | 'failed' | 'expired' | 'rate_limited'

/** Exponential backoff with ±20% jitter: ~2 s, 4 s, 8 s … capped at 10 min. */
export function retryDelay(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1))
  return Math.min(MAX_RETRY_MS, Math.round(base * (0.8 + 0.4 * random())))
}

export interface DelivererOptions {
  store: Store
  clock: Clock
  instance: string
  /** The notifiers of the current config (serve reloads it). */
  notifiers: () => Record<string, NotifierConfig>
  log?: JobLogger
  /** Each delivery's outcome (metrics). `count` notices went out in it (a coalesced backlog counts each). */
  onDelivery?: (status: DeliveryStatus, count: number) => void
}

const iso = (ms: number) => new Date(ms).toISOString()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Delivers the outbox. Each cycle takes the oldest undelivered notices, groups them by notifier and job,
 * and for each group claims its head (plus the notices right behind it about the same event, which go out
 * coalesced as one), sends, and records the result. A group whose head waits for its retry waits whole, so
 * notices about one job arrive in order. Several processes may run cycles on one store: claims decide.
 */
export class OutboxDeliverer {
  private readonly channels = new Map<string, { config: NotifierConfig; channel: Channel }>()
  private timer: NodeJS.Timeout | null = null
  private cycle: Promise<number> | null = null
  private again = false
  private stopped = false
  /** Each delivery's outcome (metrics). `count` notices went out in it (a coalesced backlog counts each). */
  onDelivery?: (status: DeliveryStatus, count: number) => void

  constructor(private readonly options: DelivererOptions) {
    this.onDelivery = options.onDelivery
  }

  private channel(name: string): Channel | undefined {
    const config = this.options.notifiers()[name]
    if (!config) return undefined
    const cached = this.channels.get(name)
    if (cached?.config === config) return cached.channel
    const channel = channelFor(config)
    this.channels.set(name, { config, channel })
    return channel
  }

  /** One pass over the due notices; returns how many notices were sent. Never throws. */
  deliverDue(): Promise<number> {
    if (this.cycle) {
      this.again = true
      return this.cycle
    }
    this.cycle = (async () => {
      let sent = 0
      do {
        this.again = false
        sent += await this.pass().catch((err) => {
          this.options.log?.warn(
            `delivering notices failed: ${redact(err instanceof Error ? err.message : String(err))}`,
          )
          return 0
        })
      } while (this.again && !this.stopped)
      return sent
    })().finally(() => {
      this.cycle = null
    })
    return this.cycle
  }

  private async pass(): Promise<number> {
    const { store, clock } = this.options
    const rows = await store.outbox.undelivered(WINDOW)
    const groups = new Map<string, NoticeRow[]>()
    for (const row of rows) {
      const k = `${row.notifier}\u0000${row.job ?? ''}`
      const g = groups.get(k)
      if (g) g.push(row)
      else groups.set(k, [row])
    }
    const now = clock.now()
    const ready = [...groups.values()].filter(
      (g) => Date.parse(g[0].next_attempt_at) <= now && (!g[0].claim_until || Date.parse(g[0].claim_until) < now),
    )
    let sent = 0
    for (let i = 0; i < ready.length; i += PARALLEL) {
      const counts = await Promise.all(ready.slice(i, i + PARALLEL).map((g) => this.deliverGroup(g)))
      sent += counts.reduce((a, b) => a + b, 0)
    }
    return sent
  }

  /** Delivers a group's head (coalesced with the same-event notices behind it); then the next head, while due. */
  private async deliverGroup(group: NoticeRow[]): Promise<number> {
    let sent = 0
    let rest = group
    while (rest.length && !this.stopped) {
      const now = this.options.clock.now()
      const head = rest[0]
      if (Date.parse(head.next_attempt_at) > now) break
      const key = coalesceKey(head)
      let n = 1
      while (n < rest.length && coalesceKey(rest[n]) === key && Date.parse(rest[n].expires_at) > now) n++
      const batch = rest.slice(0, n)
      const outcome = await this.deliverBatch(batch, now)
      if (outcome === 'held') break
      if (outcome === 'sent') sent += batch.length
      if (outcome === 'retry') break
      rest = rest.slice(n)
    }
    return sent
  }

  /** 'held': someone else has it; 'retry': it waits for a retry (the group waits behind it). */
  private async deliverBatch(batch: NoticeRow[], now: number): Promise<'sent' | 'expired' | 'retry' | 'held'> {
    const { store } = this.options
    const token = `${this.options.instance}#${randomBytes(4).toString('hex')}`
    const ids = batch.map((r) => r.id)
    const claimed = await store.outbox.claim(ids, token, iso(now), iso(now + CLAIM_MS))
    if (!claimed.has(batch[0].id)) {
      await store.outbox.release([...claimed], token)
      return 'held'
    }
    const rows = batch.filter((r) => claimed.has(r.id))
    const expired = rows.filter((r) => Date.parse(r.expires_at) <= now)
    if (expired.length) {
      await store.outbox.expire(
        expired.map((r) => r.id),
        token,
      )
      for (const r of expired) await this.record(r, 'expired', r.attempts, r.last_error)
      this.onDelivery?.('expired', expired.length)
      this.options.log?.warn(
        `notice ${expired[0].key} to ${expired[0].notifier} expired undelivered after ${expired[0].attempts} attempt(s): ${expired[0].last_error ?? 'never sent'}`,
        { notifier: expired[0].notifier },
      )
      await store.outbox.release(
        rows.filter((r) => !expired.includes(r)).map((r) => r.id),
        token,
      )
      return 'expired'
    }
    const head = rows[0]
    const channel = this.channel(head.notifier)
    const config = this.options.notifiers()[head.notifier]
    if (!channel || !config) {
      const error = `notifier "${head.notifier}" is not configured`
      await store.outbox.markFailed(
        ids.filter((id) => claimed.has(id)),
        error,
        iso(now + retryDelay(head.attempts + 1)),
        token,
      )
      this.onDelivery?.('failed', rows.length)
      return 'retry'
    }
    const window = await store.outbox.sentSince(head.notifier, iso(now - config.rateLimit.per))
    if (window.count >= config.rateLimit.max) {
      const freeAt = window.oldest ? Date.parse(window.oldest) + config.rateLimit.per : now + config.rateLimit.per
      await store.outbox.defer(
        rows.map((r) => r.id),
        iso(Math.max(now + 1000, freeAt)),
        'rate limit reached: deferred',
        token,
      )
      if (head.last_error !== 'rate limit reached: deferred') {
        await this.record(head, 'rate_limited', head.attempts, 'rate limit reached')
        this.onDelivery?.('rate_limited', rows.length)
        this.options.log?.warn(
          `notifier ${head.notifier}: rate limit reached; ${rows.length} notice(s) deferred, not dropped`,
          { notifier: head.notifier },
        )
      }
      return 'retry'
    }
    try {
      await channel(coalesce(rows), { key: head.key, coalesced: rows.slice(1).map((r) => r.key) })
    } catch (err) {
      const error = redact(err instanceof Error ? err.message : String(err))
      const attempts = head.attempts + 1
      await store.outbox.markFailed(
        rows.map((r) => r.id),
        error,
        iso(this.options.clock.now() + retryDelay(attempts)),
        token,
      )
      await this.record(head, 'failed', attempts, error)
      this.onDelivery?.('failed', rows.length)
      this.options.log?.warn(
        `notifier ${head.notifier}: delivery of ${head.key} failed (attempt ${attempts}, retried with backoff): ${error}`,
        { notifier: head.notifier },
      )
      return 'retry'
    }
    await store.outbox.markSent(
      head.id,
      rows.slice(1).map((r) => r.id),
      head.key,
      iso(this.options.clock.now()),
      token,
    )
    for (const r of rows) await this.record(r, 'sent', r === head ? head.attempts + 1 : r.attempts, null)
    this.onDelivery?.('sent', rows.length)
    return 'sent'
  }

  /** The delivery log (`notifications`): one row per outcome, kept for history. */
  private async record(row: NoticeRow, status: DeliveryStatus, attempts: number, error: string | null): Promise<void> {
    await this.options.store.notifications
      .record({
        run_id: row.run_id,
        job: row.job,
        notifier: row.notifier,
        event: row.event,
        status,
        attempts,
        error,
        created_at: iso(this.options.clock.now()),
      })
      .catch((err) =>
        this.options.log?.warn(
          `could not record a notice delivery: ${err instanceof Error ? err.message : String(err)}`,
        ),
      )
  }

  /** Delivers in the background: every `intervalMs`, and at once when woken. */
  start(intervalMs = 1000): void {
    this.stopped = false
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.deliverDue().finally(() => {
          if (!this.stopped) tick()
        })
      }, intervalMs)
      this.timer.unref?.()
    }
    tick()
  }

  /** Delivers now (a notice was just queued). */
  wake(): void {
    if (!this.stopped) void this.deliverDue()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.cycle
  }

  /**
   * Delivers until none of `keys` is undelivered, or until `deadline` (`run` before it exits): failed
   * deliveries are retried with the same backoff as in serve, as long as the deadline allows.
   */
  async drain(keys: string[], deadline: number): Promise<{ undelivered: number }> {
    const { store } = this.options
    for (;;) {
      await this.deliverDue()
      const own = (await store.outbox.byKeys(keys)).filter((r) => r.status === 'pending' || r.status === 'failed')
      if (!own.length) return { undelivered: 0 }
      // A notice waits for the notices ahead of it about the same job (order per job): its time is theirs.
      const ahead = await store.outbox.undelivered(WINDOW)
      const readyAt = (r: NoticeRow) =>
        Math.max(
          ...ahead
            .filter((a) => a.notifier === r.notifier && a.job === r.job && a.id <= r.id)
            .map((a) => Date.parse(a.next_attempt_at)),
          Date.parse(r.next_attempt_at),
        )
      const next = Math.min(...own.map(readyAt))
      const now = Date.now()
      if (next > deadline || now >= deadline) return { undelivered: own.length }
      await sleep(Math.max(50, Math.min(next - now, deadline - now)))
    }
  }
}
