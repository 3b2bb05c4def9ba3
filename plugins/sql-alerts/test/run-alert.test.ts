import { type JobContext, JobError, type Notice, type NoticeDeliveryState, type PluginKeyValue } from 'circadian'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runSqlAlert } from '../src/evaluate/run-alert.js'
import type { SqlAlertOptions } from '../src/job-type/options.js'
import type { AlertState, Silence } from '../src/state/alert-state.js'
import { type AlertDatabase, alertDatabase, options } from './fixtures.js'

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0)
const HOUR = 3_600_000

function memoryKv(): PluginKeyValue & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  return {
    data,
    get: async <T>(key: string) => (data.has(key) ? (structuredClone(data.get(key)) as T) : undefined),
    set: async (key, value) => void data.set(key, structuredClone(value)),
    delete: async (key) => void data.delete(key),
    list: async <T>(prefix = '') =>
      [...data.entries()].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value: value as T })),
  }
}

/** A job's ctx as the core builds it, with a clock the test moves and notices captured. */
function harness(fx: AlertDatabase, job = 'revenue') {
  let now = T0
  let runs = 0
  const kv = memoryKv()
  const sent: Array<{ names: string[]; notice: Notice }> = []
  /** What the outbox says about every queued notice when the next run asks. */
  let delivery: NoticeDeliveryState = 'sent'
  /** --no-notify: ctx.notify queues nothing. */
  let off = false
  const quiet = { debug() {}, info() {}, warn() {}, error() {} }
  const context = (signal = new AbortController().signal): JobContext => ({
    signal,
    log: quiet,
    run: { id: `run-${++runs}`, job, type: 'sql-alert', scheduledFor: null, attempt: 1, trigger: 'schedule' },
    db: () => fx.db,
    kv,
    notify: async (names, notice) => {
      if (off) return { ids: [] }
      sent.push({ names, notice })
      return { ids: names.map((n) => `ntc_${sent.length}_${n}`) }
    },
    noticeStates: async (ids) => Object.fromEntries(ids.map((id) => [id, delivery] as const)),
    clock: { now: () => now },
    configDir: process.cwd(),
  })
  return {
    kv,
    sent,
    kinds: () => sent.map((s) => s.notice.fields?.notice),
    at: (t: number) => (now = t),
    deliveries: (d: NoticeDeliveryState) => (delivery = d),
    notificationsOff: (o: boolean) => (off = o),
    run: (opts: SqlAlertOptions, signal?: AbortSignal) => runSqlAlert(context(signal), opts),
    state: () => kv.data.get(`state:${job}`) as AlertState | undefined,
  }
}

describe('a sql-alert run', () => {
  let fx: AlertDatabase
  beforeAll(async () => {
    fx = await alertDatabase('sqlite')
  })
  afterAll(async () => {
    await fx?.close()
  })
  beforeEach(async () => {
    await fx.db('metrics').update({ x: 5 })
  })
  const setX = (x: number) => fx.db('metrics').update({ x })
  const alertWhenAbove3 = (extra: Partial<SqlAlertOptions> = {}) =>
    options({
      query:
        "select case when x > 3 then 'ALERT' else 'OK' end as status, x as actual_value, 3 as threshold, label from metrics",
      description: 'x must stay at 3 or below',
      notify: ['ops', 'mail'],
      ...extra,
    })

  it('returns alert with the values and context as run data, and notifies once on entering ALERT', async () => {
    const h = harness(fx)
    const result = await h.run(alertWhenAbove3())
    expect(result.status).toBe('alert')
    expect(result.summary).toBe('5 vs threshold 3 — firing notice queued')
    expect(result.data).toMatchObject({
      status: 'ALERT',
      actual_value: 5,
      threshold: 3,
      context: { label: 'five' },
      state: 'ALERT',
      notice: 'firing',
      queued: ['ops', 'mail'],
      noticeIds: ['ntc_1_ops', 'ntc_1_mail'],
      silenced: null,
    })
    expect(h.sent).toHaveLength(1)
    expect(h.sent[0].names).toEqual(['ops', 'mail'])
    expect(h.sent[0].notice).toEqual({
      title: 'ALERT: revenue',
      text: 'x must stay at 3 or below\nThe query returned ALERT (5 vs threshold 3).',
      severity: 'critical',
      fields: {
        alert: 'revenue',
        notice: 'firing',
        state: 'ALERT',
        since: new Date(T0).toISOString(),
        connection: 'main',
        status: 'ALERT',
        actual_value: 5,
        threshold: 3,
        label: 'five',
      },
    })
    h.at(T0 + HOUR)
    expect((await h.run(alertWhenAbove3())).summary).toBe('5 vs threshold 3')
    expect(h.sent).toHaveLength(1)
  })

  it('returns ok when the query says OK, and a resolved notice after an ALERT', async () => {
    const h = harness(fx)
    await h.run(alertWhenAbove3())
    await setX(2)
    h.at(T0 + 90 * 60_000)
    const result = await h.run(alertWhenAbove3())
    expect(result).toMatchObject({
      status: 'ok',
      summary: '2 vs threshold 3 — resolved notice queued',
      data: { status: 'OK', state: 'OK' },
    })
    expect(h.sent[1].notice).toMatchObject({
      title: 'RESOLVED: revenue',
      severity: 'info',
      text: 'x must stay at 3 or below\nThe query returned OK (2 vs threshold 3); the alert resolved after 1h 30m.',
    })
  })

  it('fails the run on ERROR with the reason and data, and sends one error notice per streak', async () => {
    const h = harness(fx)
    const broken = options({ query: 'select status from nowhere', notify: ['ops'] })
    const err = await h.run(broken).catch((e) => e)
    expect(err).toBeInstanceOf(JobError)
    expect(err.message).toMatch(/^query failed: no such table: nowhere/)
    expect(err.reason).toBe('sql-error')
    expect(err.data).toMatchObject({ status: 'ERROR', error: 'sql-error', state: 'ERROR', notice: 'error' })
    await h.run(broken).catch(() => {})
    expect(h.kinds()).toEqual(['error'])
    expect(h.sent[0].notice).toMatchObject({
      title: 'ERROR: revenue',
      severity: 'warning',
      fields: { error: err.message },
    })
    expect(h.state()?.consecutive.error).toBe(2)
  })

  it('fires only after `for` consecutive ALERT results', async () => {
    const h = harness(fx)
    const opts = alertWhenAbove3({ for: 3 })
    const first = await h.run(opts)
    expect(first).toMatchObject({
      status: 'alert',
      summary: '5 vs threshold 3 — pending 1/3',
      data: { state: 'PENDING' },
    })
    await h.run(opts)
    expect(h.sent).toHaveLength(0)
    expect((await h.run(opts)).data).toMatchObject({ state: 'ALERT', notice: 'firing' })
    expect(h.kinds()).toEqual(['firing'])
  })

  it('repeats every repeatInterval by the clock while still alerting', async () => {
    const h = harness(fx)
    const opts = alertWhenAbove3({ repeatInterval: '4h' })
    for (const t of [0, 1, 3, 4, 5, 8, 9]) {
      h.at(T0 + t * HOUR)
      await h.run(opts)
    }
    expect(h.kinds()).toEqual(['firing', 'repeat', 'repeat'])
    expect(h.sent[1].notice.title).toBe('STILL ALERT: revenue (for 4h)')
  })

  it('holds back notices while silenced and still records the evaluation', async () => {
    const h = harness(fx)
    const silence: Silence = {
      v: 1,
      by: 'ana',
      reason: 'backfill',
      createdAt: new Date(T0).toISOString(),
      until: new Date(T0 + 2 * HOUR).toISOString(),
      untilResolved: false,
    }
    await h.kv.set('silence:revenue', silence)
    const result = await h.run(alertWhenAbove3())
    expect(result).toMatchObject({
      status: 'alert',
      summary: '5 vs threshold 3 — silenced',
      data: { state: 'ALERT', notice: null, silenced: { by: 'ana', reason: 'backfill' } },
    })
    expect(h.sent).toHaveLength(0)
    expect(h.state()?.state).toBe('ALERT')
    // The silence ends while the alert still fires: the firing notice goes out at the next evaluation.
    h.at(T0 + 2 * HOUR + 1)
    await h.run(alertWhenAbove3())
    expect(h.kinds()).toEqual(['firing'])
  })

  it('ends an until-resolved silence when the alert comes back to OK, without a notice', async () => {
    const h = harness(fx)
    await h.run(alertWhenAbove3())
    await h.kv.set('silence:revenue', {
      v: 1,
      by: 'ana',
      reason: null,
      createdAt: new Date(T0).toISOString(),
      until: null,
      untilResolved: true,
    } satisfies Silence)
    h.at(T0 + HOUR)
    await h.run(alertWhenAbove3())
    expect(h.kv.data.has('silence:revenue')).toBe(true)
    await setX(1)
    h.at(T0 + 2 * HOUR)
    await h.run(alertWhenAbove3())
    expect(h.kinds()).toEqual(['firing'])
    expect(h.kv.data.has('silence:revenue')).toBe(false)
    await setX(7)
    h.at(T0 + 3 * HOUR)
    await h.run(alertWhenAbove3())
    expect(h.kinds()).toEqual(['firing', 'firing'])
  })

  it('leaves the state alone when the run is interrupted', async () => {
    const h = harness(fx)
    await h.run(alertWhenAbove3())
    const before = h.state()
    const controller = new AbortController()
    controller.abort('interrupted')
    const err = await h.run(options({ query: "select 'OK' as status" }), controller.signal).catch((e) => e)
    expect(err).toBeInstanceOf(JobError)
    expect(err.reason).toBe('cancelled')
    expect(h.state()).toEqual(before)
  })

  it('records a stop by the job timeout as an ERROR', async () => {
    const h = harness(fx)
    const controller = new AbortController()
    controller.abort('timeout')
    const err = await h
      .run(options({ query: "select 'OK' as status", notify: ['ops'] }), controller.signal)
      .catch((e) => e)
    expect(err.message).toBe("query cancelled: the job's timeout expired")
    expect(h.state()?.state).toBe('ERROR')
    expect(h.kinds()).toEqual(['error'])
  })

  it('a queued firing notice counts as notified only once the outbox delivered it; while pending it is not sent again', async () => {
    const h = harness(fx)
    h.deliveries('pending')
    await h.run(alertWhenAbove3())
    expect(h.state()).toMatchObject({
      lastNotified: null,
      pendingNotice: { kind: 'firing', ids: ['ntc_1_ops', 'ntc_1_mail'], to: ['ops', 'mail'] },
    })
    h.at(T0 + HOUR)
    await h.run(alertWhenAbove3())
    expect(h.sent).toHaveLength(1)
    expect(h.state()?.lastNotified).toBeNull()
    h.deliveries('sent')
    h.at(T0 + 2 * HOUR)
    await h.run(alertWhenAbove3())
    expect(h.sent).toHaveLength(1)
    expect(h.state()).toMatchObject({
      pendingNotice: null,
      lastNotified: { kind: 'firing', to: ['ops', 'mail'], at: new Date(T0).toISOString() },
    })
  })

  it('a firing notice that expired undelivered is due again at the next evaluation', async () => {
    const h = harness(fx)
    h.deliveries('failed')
    await h.run(alertWhenAbove3())
    h.deliveries('expired')
    h.at(T0 + HOUR)
    const result = await h.run(alertWhenAbove3())
    expect(result.summary).toBe('5 vs threshold 3 — firing notice queued')
    expect(h.kinds()).toEqual(['firing', 'firing'])
  })

  it('with notifications off (--no-notify) nothing claims to be sent, and the firing notice stays due', async () => {
    const h = harness(fx)
    h.notificationsOff(true)
    const result = await h.run(alertWhenAbove3())
    expect(result.summary).toBe('5 vs threshold 3 — firing notice not sent (notifications are off)')
    expect(result.data).toMatchObject({ notice: null, queued: [], noticeIds: [] })
    expect(h.state()).toMatchObject({
      state: 'ALERT',
      firing: { notified: false },
      lastNotified: null,
      pendingNotice: null,
    })
    h.notificationsOff(false)
    h.at(T0 + HOUR)
    expect((await h.run(alertWhenAbove3())).summary).toBe('5 vs threshold 3 — firing notice queued')
    expect(h.kinds()).toEqual(['firing'])
  })

  it('sends nothing when the job names no notifiers, but keeps state', async () => {
    const h = harness(fx)
    const result = await h.run(alertWhenAbove3({ notify: [] }))
    expect(result).toMatchObject({
      summary: '5 vs threshold 3 — fired (no notifiers)',
      data: { notice: null, queued: [] },
    })
    expect(h.sent).toHaveLength(0)
    expect(h.state()).toMatchObject({ state: 'ALERT', lastNotified: { kind: 'firing', to: [] } })
  })
})
