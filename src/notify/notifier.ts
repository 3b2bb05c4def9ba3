import type { NotifierConfig } from '../config/schema/notifiers.js'
import { redact, redactDeep } from '../reliability/redact.js'
import { newRunId } from '../run/ids.js'
import type { JobLogger, Notice } from '../run/job-type.js'
import type { Clock } from '../schedule/clock.js'
import type { NewNotice } from '../state/outbox.js'
import type { Store } from '../state/store.js'

/** A notice written to the outbox for one notifier: its key is the idempotency key of every delivery. */
export interface QueuedNotice {
  notifier: string
  key: string
}

/** What a notice is about, for the outbox row. */
export interface NoticeMeta {
  event: string
  job?: string
  runId?: string
}

export interface NotifierOptions {
  enabled: boolean
  log?: JobLogger
  /** The outbox: without a store (some unit tests) nothing can be queued. */
  store?: Store
  clock?: Clock
  /** Told when notices were queued, so a deliverer can send them at once. */
  onQueued?: (queued: QueuedNotice[]) => void
}

const iso = (ms: number) => new Date(ms).toISOString()

/** A notice's idempotency key: sortable by time, unique across processes. */
export const newNoticeKey = (now: number) => `ntc_${newRunId(now)}`

/**
 * Queues notices: each (notice, notifier) becomes one outbox row, redacted, before anything is sent. The
 * deliverer (outbox-delivery.ts) sends them, retries them and expires them; queueing never fails a job.
 */
export class Notifier {
  constructor(
    private readonly configs: Record<string, NotifierConfig>,
    private readonly options: NotifierOptions = { enabled: true },
  ) {}

  get enabled(): boolean {
    return this.options.enabled
  }

  /** The rows for a notice, without writing them (a caller may write them in its own transaction). */
  rowsFor(names: readonly string[], notice: Notice, meta: NoticeMeta): NewNotice[] {
    if (!this.options.enabled) return []
    const now = this.options.clock?.now() ?? Date.now()
    const body = JSON.stringify(redactDeep(notice))
    return [...new Set(names)].map((notifier) => ({
      key: newNoticeKey(now),
      notifier,
      job: meta.job ?? null,
      run_id: meta.runId ?? null,
      event: meta.event,
      body,
      created_at: iso(now),
      next_attempt_at: iso(now),
      expires_at: iso(now + (this.configs[notifier]?.maxAge ?? 86_400_000)),
    }))
  }

  /**
   * Rows the caller committed itself (with a run's end): the deliverer is told, as `send` does. Returns what
   * was queued.
   */
  committed(rows: readonly NewNotice[]): QueuedNotice[] {
    if (!rows.length) return []
    const queued = rows.map((r) => ({ notifier: r.notifier, key: r.key }))
    this.options.onQueued?.(queued)
    return queued
  }

  /** Writes the notice to the outbox, once per notifier; returns what was queued (nothing under --no-notify). */
  async send(
    names: readonly string[],
    notice: Notice,
    meta: NoticeMeta = { event: 'notice' },
  ): Promise<QueuedNotice[]> {
    if (!this.options.enabled) {
      this.options.log?.debug('notifications are off (--no-notify)', { notifiers: names, title: redact(notice.title) })
      return []
    }
    const store = this.options.store
    if (!store) return []
    const rows = this.rowsFor(names, notice, meta)
    try {
      await store.outbox.enqueue(rows)
    } catch (err) {
      this.options.log?.error(`could not queue a notice: ${redact(err instanceof Error ? err.message : String(err))}`, {
        notifiers: names,
      })
      return []
    }
    const queued = rows.map((r) => ({ notifier: r.notifier, key: r.key }))
    this.options.onQueued?.(queued)
    return queued
  }
}
