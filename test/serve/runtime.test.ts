import { afterEach, describe, expect, it } from 'vitest'
import { JobError } from '../../src/run/job-type.js'
import { jitterDelay } from '../../src/schedule/jitter.js'
import { type Harness, iso, startHarness, testType } from './harness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const ok = testType(async () => ({ status: 'ok' }))
const slow = (ms: number) =>
  testType(
    (ctx) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => resolve({ status: 'ok' }), ms)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t)
          reject(new Error('aborted'))
        })
      }),
    'slow',
  )

const sched = (
  rows: Array<{ scheduled_for: string | null; status: string; trigger?: string; reason?: string | null }>,
) => rows.map((r) => [r.scheduled_for, r.status, ...(r.reason ? [r.reason] : [])])

describe('serve: firing', () => {
  it('fires each occurrence once, at its instant, recording scheduled_for; a new job starts from now', async () => {
    h = await startHarness(
      { jobs: { m: { type: 'test', schedule: '* * * * *' } } },
      { now: '2026-01-01T00:00:30Z', types: [ok] },
    )
    await h.advance(3 * 60_000)
    const runs = await h.runs('m')
    expect(sched(runs)).toEqual([
      ['2026-01-01T00:01:00.000Z', 'succeeded'],
      ['2026-01-01T00:02:00.000Z', 'succeeded'],
      ['2026-01-01T00:03:00.000Z', 'succeeded'],
    ])
    expect(runs.every((r) => r.trigger === 'schedule' && r.started_at === r.scheduled_for)).toBe(true)
    expect((await h.store.jobState.get('m'))?.watermark).toBe('2026-01-01T00:03:00.000Z')
  })

  it('fixed job across the Berlin spring-forward gap fires once, at 03:00 CEST', async () => {
    h = await startHarness(
      { timezone: 'Europe/Berlin', jobs: { f: { type: 'test', schedule: '30 2 * * *' } } },
      { now: '2026-03-28T12:00:00Z', types: [ok] },
    )
    await h.advance(37 * 3_600_000, 60_000)
    expect(sched(await h.runs('f'))).toEqual([
      ['2026-03-29T01:00:00.000Z', 'succeeded'],
      ['2026-03-30T00:30:00.000Z', 'succeeded'],
    ])
  })

  it('jitter delays each occurrence by the same deterministic amount on every instance', async () => {
    h = await startHarness(
      { jobs: { j: { type: 'test', schedule: '0 * * * *', jitter: '10m' } } },
      { now: '2026-01-01T00:30:00Z', types: [ok] },
    )
    await h.advance(90 * 60_000, 15_000)
    const [run] = await h.runs('j')
    const occurrence = Date.parse('2026-01-01T01:00:00Z')
    expect(run.scheduled_for).toBe(iso('2026-01-01T01:00:00Z'))
    const delay = Date.parse(run.started_at!) - occurrence
    expect(delay).toBeGreaterThanOrEqual(jitterDelay('j', occurrence, 600_000) - 15_000)
    expect(delay).toBeLessThanOrEqual(jitterDelay('j', occurrence, 600_000) + 15_000)
    expect(jitterDelay('j', occurrence, 600_000)).toBe(jitterDelay('j', occurrence, 600_000))
  })

  it('jitter is not lateness: a jittered fire beyond misfireGrace still runs on time', async () => {
    h = await startHarness(
      { jobs: { j: { type: 'test', schedule: '0 * * * *', jitter: '30m', misfireGrace: '1m', catchUp: 'none' } } },
      { now: '2026-01-01T00:30:00Z', types: [ok] },
    )
    await h.advance(3 * 3_600_000, 60_000)
    const runs = await h.runs('j')
    expect(runs.map((r) => [r.status, r.trigger])).toEqual([
      ['succeeded', 'schedule'],
      ['succeeded', 'schedule'],
      ['succeeded', 'schedule'],
    ])
  })

  it('between and days windows filter fires', async () => {
    h = await startHarness(
      { jobs: { w: { type: 'test', every: '1h', between: '22:00-02:00', days: 'SAT' } } },
      { now: '2026-01-02T20:30:00Z', types: [ok] },
    )
    await h.advance(30 * 3_600_000, 600_000)
    // 2026-01-03 is a Saturday: 22:00 and 23:00 fire; the window runs past midnight into Sunday, which is not allowed.
    expect(sched(await h.runs('w')).map(([s]) => s)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-03T01:00:00.000Z',
      '2026-01-03T22:00:00.000Z',
      '2026-01-03T23:00:00.000Z',
    ])
  })
})

describe('serve: downtime and catch-up', () => {
  async function afterDowntime(catchUp: string, extra: object = {}) {
    const first = await startHarness(
      { jobs: { c: { type: 'test', schedule: '*/10 * * * *', catchUp, ...extra } } },
      { now: '2026-01-01T00:00:00Z', types: [ok] },
    )
    await first.advance(10 * 60_000, 60_000)
    await first.runtime.shutdown(100)
    // An hour of downtime, then a new process on the same store.
    const second = await startHarness(
      { jobs: { c: { type: 'test', schedule: '*/10 * * * *', catchUp, ...extra } } },
      { now: '2026-01-01T01:05:00Z', types: [ok], dir: first.dir },
    )
    await second.advance(1000)
    const runs = await second.runs('c')
    await second.runtime.shutdown(100)
    await second.store.close()
    await first.close()
    return runs.filter((r) => r.scheduled_for! > iso('2026-01-01T00:10:00Z'))
  }

  it("catchUp 'latest': the most recent missed occurrence runs late, the others are recorded missed", async () => {
    const runs = await afterDowntime('latest')
    expect(sched(runs)).toEqual([
      ['2026-01-01T00:20:00.000Z', 'missed', 'late'],
      ['2026-01-01T00:30:00.000Z', 'missed', 'late'],
      ['2026-01-01T00:40:00.000Z', 'missed', 'late'],
      ['2026-01-01T00:50:00.000Z', 'missed', 'late'],
      ['2026-01-01T01:00:00.000Z', 'succeeded'],
    ])
    expect(runs[4].trigger).toBe('catchup')
  })

  it("catchUp 'none': every late occurrence is recorded missed, none runs", async () => {
    const runs = await afterDowntime('none')
    expect(runs.map((r) => r.status)).toEqual(['missed', 'missed', 'missed', 'missed', 'missed'])
  })

  it("catchUp 'all' with maxCatchUp: the most recent ones run in order, one after another; older ones missed", async () => {
    const runs = await afterDowntime('all', { maxCatchUp: 3 })
    expect(sched(runs)).toEqual([
      ['2026-01-01T00:20:00.000Z', 'missed', 'late'],
      ['2026-01-01T00:30:00.000Z', 'missed', 'late'],
      ['2026-01-01T00:40:00.000Z', 'succeeded'],
      ['2026-01-01T00:50:00.000Z', 'succeeded'],
      ['2026-01-01T01:00:00.000Z', 'succeeded'],
    ])
    expect(runs.filter((r) => r.status === 'succeeded').every((r) => r.trigger === 'catchup')).toBe(true)
  })

  it('a clock jump forward (suspend) is handled by the same rules', async () => {
    h = await startHarness(
      { jobs: { s: { type: 'test', schedule: '*/5 * * * *' } } },
      { now: '2026-01-01T00:00:00Z', types: [ok] },
    )
    await h.advance(6 * 60_000, 60_000)
    h.clock.jump(3_600_000)
    await h.advance(60_000, 30_000)
    const runs = await h.runs('s')
    expect(runs.filter((r) => r.status === 'succeeded').map((r) => r.scheduled_for)).toEqual([
      iso('2026-01-01T00:05:00Z'),
      iso('2026-01-01T01:05:00Z'),
    ])
    expect(runs.filter((r) => r.status === 'missed')).toHaveLength(11)
    expect(new Set(runs.map((r) => r.scheduled_for)).size).toBe(runs.length)
  })
})

describe('serve: overlap, priority, pause', () => {
  it("overlap 'skip' records the skipped occurrence; 'allow' runs them side by side", async () => {
    h = await startHarness(
      {
        jobs: {
          s: { type: 'slow', schedule: '* * * * * *', overlap: 'skip' },
          a: { type: 'slow', schedule: '* * * * * *', overlap: 'allow' },
        },
      },
      { now: '2026-01-01T00:00:00Z', types: [slow(2500)] },
    )
    await h.clock.advance(3000)
    await h.runtime.settled()
    const s = await h.runs('s')
    expect(s.filter((r) => r.status === 'skipped').every((r) => r.reason === 'overlap')).toBe(true)
    expect(s.filter((r) => r.status === 'skipped').length).toBeGreaterThanOrEqual(1)
    expect((await h.runs('a')).filter((r) => r.status === 'skipped')).toHaveLength(0)
  })

  it("overlap 'replace' interrupts the running one", async () => {
    h = await startHarness(
      { jobs: { r: { type: 'slow', schedule: '*/2 * * * * *', overlap: 'replace' } } },
      { now: '2026-01-01T00:00:00Z', types: [slow(60_000)] },
    )
    // The runs go on in real time (they never settle): wait for each state instead of a fixed while.
    const until = async (ok: (runs: Awaited<ReturnType<Harness['runs']>>) => boolean) => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
        if (ok(await h!.runs('r'))) return
      throw new Error(`runs never reached the expected state: ${JSON.stringify(await h!.runs('r'))}`)
    }
    await h.clock.advance(2000)
    await until((runs) => runs.length === 1 && runs[0].status === 'running')
    await h.clock.advance(2000)
    await until((runs) => runs.length === 2 && runs[0].status !== 'running' && runs[1].status === 'running')
    const runs = await h.runs('r')
    expect(runs[0]).toMatchObject({ status: 'interrupted', reason: 'replaced' })
    expect(runs[1].status).toBe('running')
  })

  it("overlap 'queue' keeps at most one waiting", async () => {
    h = await startHarness(
      { jobs: { q: { type: 'slow', schedule: '* * * * * *', overlap: 'queue' } } },
      { now: '2026-01-01T00:00:00Z', types: [slow(2500)] },
    )
    for (let i = 0; i < 3; i++) {
      await h.clock.advance(1000)
      await new Promise((r) => setTimeout(r, 50))
    }
    const runs = await h.runs('q')
    expect(runs.map((r) => r.status)).toEqual(['running', 'queued', 'skipped'])
    await h.runtime.settled()
    expect((await h.runs('q')).slice(0, 2).map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
  })

  it('when more runs are due than slots, higher priority first, then earlier scheduled time', async () => {
    const order: string[] = []
    const recorder = testType(async (ctx) => {
      order.push(ctx.run.job)
      await new Promise((r) => setTimeout(r, 20))
      return { status: 'ok' }
    })
    h = await startHarness(
      {
        maxConcurrent: 1,
        jobs: {
          low: { type: 'test', schedule: '0 * * * *', priority: 'LOW' },
          critical: { type: 'test', schedule: '0 * * * *', priority: 'CRITICAL' },
          normal: { type: 'test', schedule: '0 * * * *' },
          high: { type: 'test', schedule: '0 * * * *', priority: 10 },
        },
      },
      { now: '2026-01-01T00:59:00Z', types: [recorder] },
    )
    await h.advance(60_000)
    expect(order).toEqual(['critical', 'high', 'normal', 'low'])
  })

  it('a pool limits its jobs without limiting the others', async () => {
    let inPool = 0
    let peak = 0
    const pooled = testType(async () => {
      inPool++
      peak = Math.max(peak, inPool)
      await new Promise((r) => setTimeout(r, 30))
      inPool--
      return { status: 'ok' }
    })
    const jobs = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`db${i}`, { type: 'test', schedule: '0 * * * *', pool: 'db' }]),
    )
    h = await startHarness(
      { pools: { db: { maxConcurrent: 2 } }, jobs },
      { now: '2026-01-01T00:59:30Z', types: [pooled] },
    )
    await h.advance(60_000)
    expect(peak).toBe(2)
    expect((await h.runs()).filter((r) => r.status === 'succeeded')).toHaveLength(5)
  })

  it("two triggers at the same instant: overlap 'skip' lets one run", async () => {
    h = await startHarness({ jobs: { t: { type: 'slow' } } }, { now: '2026-01-01T00:00:00Z', types: [slow(300)] })
    await Promise.all([h.runtime.trigger('t', 'api'), h.runtime.trigger('t', 'api')])
    expect((await h.runs('t')).map((r) => r.status).sort()).toEqual(['skipped', 'succeeded'])
  })

  it('a trigger of a paused job is recorded skipped (paused)', async () => {
    h = await startHarness({ jobs: { t: { type: 'test' } } }, { now: '2026-01-01T00:00:00Z', types: [ok] })
    h.runtime.paused.add('t')
    const outcome = await h.runtime.trigger('t', 'manual')
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'paused' })
  })

  it('a paused job records its occurrences as skipped (paused) until resumed', async () => {
    h = await startHarness(
      { jobs: { p: { type: 'test', schedule: '* * * * *' } } },
      { now: '2026-01-01T00:00:30Z', types: [ok] },
    )
    await h.store.control.setPaused('p', true, iso('2026-01-01T00:00:30Z'), 'maintenance')
    h.runtime.paused.add('p')
    await h.advance(2 * 60_000, 60_000)
    h.runtime.paused.delete('p')
    await h.advance(60_000, 60_000)
    expect(sched(await h.runs('p'))).toEqual([
      ['2026-01-01T00:01:00.000Z', 'skipped', 'paused'],
      ['2026-01-01T00:02:00.000Z', 'skipped', 'paused'],
      ['2026-01-01T00:03:00.000Z', 'succeeded'],
    ])
  })
})

describe('serve: dependencies', () => {
  it('a downstream job runs when all its upstream jobs succeeded; an upstream failure skips it (and its own downstream)', async () => {
    let failB = false
    const b = testType(async () => {
      if (failB) throw new JobError('b broke')
      return { status: 'ok' }
    }, 'flaky')
    h = await startHarness(
      {
        jobs: {
          a: { type: 'test', schedule: '0 * * * *' },
          b: { type: 'flaky', schedule: '0 * * * *' },
          c: { type: 'test', after: ['a', 'b'] },
          d: { type: 'test', after: ['c'] },
        },
      },
      { now: '2026-01-01T00:59:00Z', types: [ok, b] },
    )
    await h.advance(2 * 60_000, 60_000)
    expect(sched(await h.runs('c'))).toEqual([['2026-01-01T01:00:00.000Z', 'succeeded']])
    expect(sched(await h.runs('d'))).toEqual([['2026-01-01T01:00:00.000Z', 'succeeded']])
    failB = true
    await h.advance(3_600_000, 60_000)
    expect(sched(await h.runs('c'))).toEqual([
      ['2026-01-01T01:00:00.000Z', 'succeeded'],
      ['2026-01-01T02:00:00.000Z', 'skipped', 'upstream-failed'],
    ])
    expect((await h.runs('d')).map((r) => [r.status, r.reason])).toEqual([
      ['succeeded', null],
      ['skipped', 'upstream-failed'],
    ])
  })
})

describe('serve: config changes', () => {
  it('a changed schedule continues from now and never re-fires an occurrence', async () => {
    h = await startHarness(
      { jobs: { x: { type: 'test', schedule: '0 * * * *' } } },
      { now: '2026-01-01T00:59:00Z', types: [ok] },
    )
    await h.advance(2 * 60_000, 60_000)
    // 01:01: the schedule changes to every 30 minutes: 01:00 already ran; 01:30 is next; no catch-up of the past.
    await h.runtime.applyConfig(
      h.reconfigure({
        jobs: { x: { type: 'test', schedule: '0,30 * * * *' }, y: { type: 'test', schedule: '0 * * * *' } },
      }),
    )
    await h.advance(60 * 60_000, 60_000)
    expect(sched(await h.runs('x')).map(([s]) => s)).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T01:30:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ])
    expect(sched(await h.runs('y')).map(([s]) => s)).toEqual(['2026-01-01T02:00:00.000Z'])
    await h.runtime.applyConfig(h.reconfigure({ jobs: { y: { type: 'test', schedule: '0 * * * *' } } }))
    await h.advance(60 * 60_000, 60_000)
    expect(await h.runs('x')).toHaveLength(3)
  })
})

describe('serve: recovery', () => {
  it('a run whose process died (lease expired) is recorded interrupted and its occurrence retried per policy', async () => {
    h = await startHarness(
      { jobs: { r: { type: 'test', schedule: '0 * * * *', retry: { attempts: 2 } } } },
      { now: '2026-01-01T00:10:00Z', types: [ok], start: false },
    )
    const dead = {
      id: 'DEAD1',
      job: 'r',
      type: 'test',
      trigger: 'schedule',
      scheduled_for: iso('2026-01-01T00:00:00Z'),
      created_at: iso('2026-01-01T00:00:00Z'),
      started_at: iso('2026-01-01T00:00:00Z'),
      finished_at: null,
      status: 'running' as const,
      reason: null,
      attempts: 0,
      summary: null,
      error: null,
      output: null,
      data: null,
      instance: 'gone:1',
      claim: '@2026-01-01T00:00:00.000Z',
      lease_until: iso('2026-01-01T00:00:30Z'),
    }
    await h.store.runs.insert(dead)
    expect(await h.runtime.recover()).toBe(1)
    await h.runtime.settled()
    const runs = await h.runs('r')
    expect(runs.map((r) => [r.id === 'DEAD1' ? 'dead' : 'retry', r.status, r.trigger])).toEqual([
      ['dead', 'interrupted', 'schedule'],
      ['retry', 'succeeded', 'catchup'],
    ])
    expect(runs[0].reason).toBe('process-lost')
    expect(await h.runtime.recover()).toBe(0)
  })
})
