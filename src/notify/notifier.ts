import type { NotifierConfig } from '../config/schema/notifiers.js'
import { redact, redactDeep } from '../reliability/redact.js'
import type { JobLogger, Notice } from '../run/job-type.js'
import type { Clock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import { type Channel, channelFor } from './channels.js'

export interface DeliveryResult {
  notifier: string
  ok: boolean
  attempts: number
  error?: string
  rateLimited?: boolean
}

/** What a notice is about, for the delivery record. */
export interface NoticeMeta {
  event: string
  job?: string
  runId?: string
}

const ATTEMPTS = 3
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface NotifierOptions {
  enabled: boolean
  log?: JobLogger
  retryDelayMs?: number
  /** With a store, deliveries are recorded and rate limits count across every process on it. */
  store?: Store
  clock?: Clock
}

/**
 * Sends notices through the config's notifiers. Delivery never throws: a notifier that keeps failing is
 * retried a few times, logged and recorded, and the job that asked is not failed by it. Each notifier has a
 * rate limit (max per period); notices past it are dropped and recorded as rate_limited.
 */
export class Notifier {
  private readonly channels = new Map<string, Channel>()

  constructor(
    private readonly configs: Record<string, NotifierConfig>,
    private readonly options: NotifierOptions = { enabled: true },
  ) {}

  get enabled(): boolean {
    return this.options.enabled
  }

  private channel(name: string): Channel | undefined {
    let ch = this.channels.get(name)
    if (!ch && this.configs[name]) {
      ch = channelFor(this.configs[name])
      this.channels.set(name, ch)
    }
    return ch
  }

  async send(names: readonly string[], notice: Notice, meta: NoticeMeta = { event: 'notice' }): Promise<DeliveryResult[]> {
    if (!this.options.enabled) {
      this.options.log?.debug('notifications are off (--no-notify)', { notifiers: names, title: redact(notice.title) })
      return []
    }
    const clean = redactDeep(notice)
    return Promise.all([...new Set(names)].map((name) => this.deliver(name, clean, meta)))
  }

  private now(): number {
    return this.options.clock?.now() ?? Date.now()
  }

  private async overLimit(name: string): Promise<boolean> {
    const limit = this.configs[name]?.rateLimit
    if (!limit || !this.options.store) return false
    const sent = await this.options.store.notifications.sentSince(name, new Date(this.now() - limit.per).toISOString())
    return sent >= limit.max
  }

  private async record(name: string, meta: NoticeMeta, result: DeliveryResult): Promise<void> {
    const status = result.rateLimited ? 'rate_limited' : result.ok ? 'sent' : 'failed'
    await this.options.store?.notifications
      .record({ run_id: meta.runId ?? null, job: meta.job ?? null, notifier: name, event: meta.event, status, attempts: result.attempts, error: result.error ?? null, created_at: new Date(this.now()).toISOString() })
      .catch((err) => this.options.log?.warn(`could not record a notice delivery: ${err instanceof Error ? err.message : String(err)}`))
  }

  private async deliver(name: string, notice: Notice, meta: NoticeMeta): Promise<DeliveryResult> {
    const channel = this.channel(name)
    if (!channel) return { notifier: name, ok: false, attempts: 0, error: `unknown notifier "${name}"` }
    if (await this.overLimit(name).catch(() => false)) {
      const result = { notifier: name, ok: false, attempts: 0, rateLimited: true, error: 'rate limit reached' }
      this.options.log?.warn(`notifier ${name}: rate limit reached; notice "${notice.title}" dropped`, { notifier: name })
      await this.record(name, meta, result)
      return result
    }
    let lastError = ''
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await channel(notice)
        const result = { notifier: name, ok: true, attempts: attempt }
        await this.record(name, meta, result)
        return result
      } catch (err) {
        lastError = redact(err instanceof Error ? err.message : String(err))
        if (attempt < ATTEMPTS) await sleep((this.options.retryDelayMs ?? 500) * attempt)
      }
    }
    this.options.log?.warn(`notifier ${name} failed after ${ATTEMPTS} attempts: ${lastError}`, { notifier: name })
    const result = { notifier: name, ok: false, attempts: ATTEMPTS, error: lastError }
    await this.record(name, meta, result)
    return result
  }
}
