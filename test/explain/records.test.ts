import { afterEach, describe, expect, it } from 'vitest'
import { explainAt, explainRun } from '../../src/explain/explain.js'
import { explanationSchema } from '../../src/explain/step.js'
import { JobError } from '../../src/run/job-type.js'
import { testType } from '../serve/harness.js'
import { type Instance, removeDir, startInstance, tempDir } from './serve-harness.js'
import { stepOf, stepsOf } from './config.js'

const ok = testType(async () => ({ status: 'ok' }))
const failing = testType(async () => {
  throw new JobError('the warehouse said no')
}, 'failing')
const slow = testType(
  (ctx) =>
    new Promise((resolve) => {
      const t = setTimeout(() => resolve({ status: 'ok' }), 90_000)
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t)
        resolve({ status: 'ok' })
      })
    }),
  'slow',
)
const types = [ok, failing]

let open: Instance[] = []
let dirs: string[] = []
afterEach(async () => {
  for (const i of open) await i.stop().catch(() => {})
  for (const d of dirs) removeDir(d)
  open = []
  dirs = []
})
async function start(raw: object, now: string, id = 'host:1', dir = tempDir()) {
  if (!dirs.includes(dir)) dirs.push(dir)
  const i = await startInstance(raw, { id, now, dir, types })
  open.push(i)
  return i
}
const explain = async (i: Instance, job: string, at: string) =>
  explanationSchema.parse(await explainAt(i.runtime.config, i.store, job, at, i.clock.now()))

describe('explain: what the store recorded, checked against what serve did', () => {
  it('a run: its status, trigger, instance and attempts, as recorded', async () => {
    const i = await start({ jobs: { m: { type: 'test', schedule: '* * * * *' } } }, '2026-01-01T00:00:30Z')
    await i.advance(60_000)
    const [row] = await i.runs('m')
    const e = await explain(i, 'm', '2026-01-01T00:01:00Z')
    expect(stepOf(e, 'run')!.data).toMatchObject({
      id: row.id,
      status: 'succeeded',
      trigger: 'schedule',
      instance: 'host:1',
      attempts: 1,
    })
    expect(stepOf(e, 'run')!.verdict).toBe('pass')
  })

  it('paused: says by whom and why, from the pause history', async () => {
    const i = await start({ jobs: { p: { type: 'test', schedule: '* * * * *' } } }, '2026-01-01T00:00:30Z')
    await i.store.control.setPaused('p', true, '2026-01-01T00:00:40.000Z', 'warehouse migration', 'cli:alice')
    i.runtime.paused.add('p')
    await i.advance(60_000)
    const [row] = await i.runs('p')
    expect([row.status, row.reason]).toEqual(['skipped', 'paused'])
    const e = await explain(i, 'p', '2026-01-01T00:01:00Z')
    expect(stepOf(e, 'paused')!.detail).toContain(
      'paused at the time (since 2026-01-01 00:00:40 +00:00, by cli:alice: warehouse migration)',
    )
  })

  it('overlap: names the run that was still running', async () => {
    const i = await startInstance(
      { jobs: { s: { type: 'slow', schedule: '* * * * *' } } },
      { id: 'host:1', now: '2026-01-01T00:00:30Z', dir: tempDir(), types: [slow] },
    )
    open.push(i)
    // The slow runs never settle: move the clock without waiting for them.
    for (let k = 0; k < 95; k++) await i.clock.advance(1000)
    await i.store.batcher.drain()
    const rows = await i.runs('s')
    const skipped = rows.find((r) => r.status === 'skipped')!
    expect(skipped.reason).toBe('overlap')
    const e = await explain(i, 's', skipped.scheduled_for!)
    expect(stepOf(e, 'overlap')!.data.runningRun).toBe(rows.find((r) => r.status === 'running')!.id)
    expect(stepOf(e, 'overlap')!.detail).toMatch(/^overlap: run \S+ was still running/)
  })

  it('upstream failure: names the upstream job and its failed run', async () => {
    const i = await start(
      { jobs: { a: { type: 'failing', schedule: '* * * * *' }, b: { type: 'test', after: ['a'] } } },
      '2026-01-01T00:00:30Z',
    )
    await i.advance(60_000)
    const [up] = await i.runs('a')
    const [down] = await i.runs('b')
    expect([down.status, down.reason]).toEqual(['skipped', 'upstream-failed'])
    const e = await explainRun(i.runtime.config, i.store, down.id, i.clock.now())
    expect(stepOf(e, 'upstream')!.data).toMatchObject({ upstream: 'a', runId: up.id, status: 'failed' })
    expect(stepOf(e, 'upstream')!.detail).toContain('the warehouse said no')
  })

  it('breaker: the circuit that was open', async () => {
    const raw = {
      resources: { 'db:x': { breaker: { failures: 1, halfOpenAfter: '1h' } } },
      jobs: { f: { type: 'failing', schedule: '* * * * *', resources: ['db:x'] } },
    }
    const i = await start(raw, '2026-01-01T00:00:30Z')
    await i.advance(2 * 60_000)
    const rows = await i.runs('f')
    expect(rows.map((r) => r.reason ?? r.status)).toEqual(['failed', 'circuit-open'])
    const e = await explain(i, 'f', rows[1].scheduled_for!)
    expect(stepOf(e, 'circuit')!.data).toMatchObject({ circuit: 'db:x', stateNow: 'open' })
  })

  it('catch-up after downtime: the downtime from the instances table, and the decision replayed', async () => {
    const dir = tempDir()
    const raw = { jobs: { c: { type: 'test', schedule: '* * * * *', catchUp: 'latest' } } }
    const first = await start(raw, '2026-01-01T00:00:30Z', 'host:1', dir)
    await first.advance(60_000)
    await first.stop()
    open = []
    const second = await start(raw, '2026-01-01T00:10:30Z', 'host:2', dir)
    await second.advance(1000)
    const rows = await second.runs('c')
    const missed = rows.filter((r) => r.status === 'missed').map((r) => r.scheduled_for)
    // 00:10 is within misfireGrace of 00:10:30: on time, so 'latest' runs it and no late one.
    const caughtUp = rows.find((r) => r.status === 'succeeded' && r.instance === 'host:2')!
    expect(caughtUp.scheduled_for).toBe('2026-01-01T00:10:00.000Z')
    expect(missed).toHaveLength(8) // 00:02 … 00:09
    const e = await explain(second, 'c', '2026-01-01T00:05')
    expect(stepOf(e, 'run')!.data.status).toBe('missed')
    expect(stepOf(e, 'instances')!.data).toMatchObject({
      downtimeFrom: '2026-01-01T00:01:30.000Z',
      lastInstance: 'host:1',
      downtimeTo: '2026-01-01T00:10:30.000Z',
      nextInstance: 'host:2',
    })
    expect(stepOf(e, 'catch-up')!.data).toMatchObject({
      catchUp: 'latest',
      replayAgrees: true,
      ranInstead: [caughtUp.scheduled_for],
    })
  })

  it('nothing recorded and no instance up: says so, with what catch-up would do', async () => {
    const dir = tempDir()
    const raw = { jobs: { c: { type: 'test', schedule: '* * * * *', catchUp: 'none' } } }
    const first = await start(raw, '2026-01-01T00:00:30Z', 'host:1', dir)
    await first.advance(60_000)
    await first.stop()
    open = []
    const later = await startInstance(raw, { id: 'host:9', now: '2026-01-01T00:30:00Z', dir, types })
    // Not started as serve (nothing handled yet): read the store as the CLI would, at 00:30.
    await later.runtime.shutdown(10)
    await later.store.knex('instances').where({ id: 'host:9' }).delete()
    const e = await explainAt(
      later.runtime.config,
      later.store,
      'c',
      '2026-01-01T00:05:00Z',
      Date.parse('2026-01-01T00:30:00Z'),
    )
    await later.store.close()
    expect(stepOf(e, 'instances')!.verdict).toBe('fail')
    expect(stepOf(e, 'instances')!.detail).toContain(
      'no serve instance was running at 2026-01-01 00:05:00 +00:00: downtime from 2026-01-01 00:01:30 +00:00',
    )
  })

  it('a late fire beyond misfireGrace (a suspend): missed, with the rule that decided it', async () => {
    const raw = { jobs: { g: { type: 'test', schedule: '*/5 * * * *', misfireGrace: '30s', catchUp: 'none' } } }
    const i = await start(raw, '2026-01-01T00:04:00Z')
    i.clock.jump(3 * 60_000) // suspended from 00:04 to 00:07: the 00:05 fire is 2 minutes late
    await i.advance(1000)
    const [row] = await i.runs('g')
    expect([row.scheduled_for, row.status]).toEqual(['2026-01-01T00:05:00.000Z', 'missed'])
    const e = await explain(i, 'g', '2026-01-01T00:05:00Z')
    expect(stepOf(e, 'catch-up')!.data).toMatchObject({
      catchUp: 'none',
      misfireGrace: 30_000,
      replayAgrees: true,
      ranInstead: [],
    })
    expect(stepOf(e, 'catch-up')!.detail).toContain("late (misfireGrace 30s); catchUp 'none'")
  })

  it('the --json shape: a list of { step, verdict, detail, data }', async () => {
    const i = await start({ jobs: { m: { type: 'test', schedule: '0 9 * * *' } } }, '2026-01-01T00:00:30Z')
    const e = await explain(i, 'm', '2026-01-01T10:00')
    for (const s of e.steps) expect(Object.keys(s).sort()).toEqual(['data', 'detail', 'step', 'verdict'])
    expect(stepsOf(e, 'record')[0].detail).toContain('not due yet')
  })
})
