import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RunRecorder } from '../../src/run/recorder.js'
import { CLAIM_AHEAD_MS } from '../../src/serve/scheduler.js'
import type { RunRow } from '../../src/state/runs.js'
import { type Harness, iso, startHarness, testType } from './harness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

/** Every row of the table, claimed-ahead ones included (h.runs() lists runs as history does). */
const allRows = (job: string): Promise<RunRow[]> =>
  h!.store.knex('runs').where({ job }).orderBy('scheduled_for').select('*')

const settle = () => new Promise((r) => setTimeout(r, 30))

describe('runs claimed ahead of their instant', () => {
  it('the row is written before the instant (running, planned start, claim held); at the instant that row runs, with its real start', async () => {
    const calls: Array<{ id: string; row: RunRow | undefined }> = []
    const probe = testType(async (ctx) => {
      calls.push({ id: ctx.run.id, row: await h!.store.knex('runs').where({ id: ctx.run.id }).first() })
      return { status: 'ok' }
    })
    h = await startHarness(
      { jobs: { tick: { type: 'test', schedule: '*/10 * * * * *' } } },
      { now: '2026-01-01T00:00:01.000Z', types: [probe] },
    )
    await h.clock.advance(9000 - CLAIM_AHEAD_MS / 2)
    await h.runtime.settled()
    const ahead = await allRows('tick')
    expect(ahead).toHaveLength(1)
    expect(ahead[0]).toMatchObject({
      status: 'running',
      scheduled_for: iso('2026-01-01T00:00:10Z'),
      started_at: iso('2026-01-01T00:00:10Z'),
      claim: '@2026-01-01T00:00:10.000Z',
    })
    // Not a run yet for anyone reading history.
    expect(await h.runs('tick')).toHaveLength(0)

    await h.clock.advance(CLAIM_AHEAD_MS)
    await h.runtime.settled()
    expect(calls).toHaveLength(1)
    expect(calls[0].id).toBe(ahead[0].id)
    expect(calls[0].row?.status).toBe('running')
    const rows = await allRows('tick')
    expect(rows.filter((r) => r.scheduled_for === iso('2026-01-01T00:00:10Z'))).toMatchObject([
      { id: ahead[0].id, status: 'succeeded' },
    ])
  })

  it('shutdown releases the runs claimed for instants it will not reach', async () => {
    h = await startHarness(
      { jobs: { tick: { type: 'test', schedule: '*/10 * * * * *' } } },
      { now: '2026-01-01T00:00:09.800Z', types: [testType(async () => ({ status: 'ok' }))] },
    )
    await settle()
    await h.runtime.settled()
    expect(await allRows('tick')).toHaveLength(1)
    await h.runtime.shutdown(1000)
    expect(await allRows('tick')).toHaveLength(0)
  })

  it('a job removed or rescheduled by a reload lets its claimed run go; the new schedule claims its own', async () => {
    h = await startHarness(
      {
        jobs: {
          gone: { type: 'test', schedule: '*/10 * * * * *' },
          moved: { type: 'test', schedule: '*/10 * * * * *' },
        },
      },
      { now: '2026-01-01T00:00:09.800Z', types: [testType(async () => ({ status: 'ok' }))] },
    )
    await settle()
    await h.runtime.settled()
    expect(await allRows('gone')).toHaveLength(1)
    expect(await allRows('moved')).toHaveLength(1)
    await h.runtime.applyConfig(h.reconfigure({ jobs: { moved: { type: 'test', schedule: '*/15 * * * * *' } } }))
    await settle()
    await h.runtime.settled()
    expect(await allRows('gone')).toHaveLength(0)
    expect(await allRows('moved')).toHaveLength(0)
    await h.advance(6000)
    const moved = await allRows('moved')
    expect(moved.map((r) => [r.scheduled_for, r.status])).toEqual([[iso('2026-01-01T00:00:15Z'), 'succeeded']])
  })

  it('a job paused before its instant: the claimed run becomes one skipped row, not a run', async () => {
    let ran = 0
    h = await startHarness(
      { jobs: { tick: { type: 'test', schedule: '*/10 * * * * *' } } },
      {
        now: '2026-01-01T00:00:09.800Z',
        types: [testType(async () => (ran++, { status: 'ok' }))],
      },
    )
    await settle()
    await h.runtime.settled()
    expect(await allRows('tick')).toHaveLength(1)
    h.runtime.paused.add('tick')
    await h.advance(1000)
    expect(ran).toBe(0)
    expect((await allRows('tick')).map((r) => [r.status, r.reason])).toEqual([['skipped', 'paused']])
  })

  it('an occurrence another instance claimed first is not run here', async () => {
    let ran = 0
    h = await startHarness(
      { jobs: { tick: { type: 'test', schedule: '*/10 * * * * *' } } },
      { now: '2026-01-01T00:00:05.000Z', types: [testType(async () => (ran++, { status: 'ok' }))] },
    )
    const other = new RunRecorder(h.store, h.clock, 'other:2')
    const theirs = await other.start(h.config.jobs.get('tick')!, 'schedule', Date.parse('2026-01-01T00:00:10Z'), {
      claim: true,
    })
    expect(theirs).not.toBeNull()
    await h.advance(6000)
    expect(ran).toBe(0)
    expect((await allRows('tick')).map((r) => r.instance)).toEqual(['other:2'])
  })

  it('the previous run still working at the instant: the claimed run goes and the overlap policy decides (skip)', async () => {
    let release: () => void = () => {}
    const released = new Promise<void>((r) => (release = r))
    let runs = 0
    h = await startHarness(
      { jobs: { slow: { type: 'test', schedule: '*/10 * * * * *' } } },
      {
        now: '2026-01-01T00:00:09.000Z',
        types: [testType(async () => (++runs === 1 ? (await released, { status: 'ok' }) : { status: 'ok' }))],
      },
    )
    await h.clock.advance(1000)
    await settle()
    expect(runs).toBe(1)
    await h.clock.advance(10_000)
    await settle()
    await h.store.batcher.drain()
    const rows = await allRows('slow')
    expect(rows.map((r) => [r.scheduled_for, r.status, r.reason])).toEqual([
      [iso('2026-01-01T00:00:10Z'), 'running', null],
      [iso('2026-01-01T00:00:20Z'), 'skipped', 'overlap'],
    ])
    release()
    await h.runtime.settled()
  })

  it('a run whose job returned is not overlapped by the next fire while its end is being recorded', async () => {
    let runs = 0
    h = await startHarness(
      { jobs: { quick: { type: 'test', schedule: '* * * * * *' } } },
      { now: '2026-01-01T00:00:00.500Z', types: [testType(async () => (runs++, { status: 'ok' }))] },
    )
    // Five instants in one step: each run returns at once; none is skipped as "still running".
    for (let i = 0; i < 5; i++) await h.clock.advance(1000)
    await h.runtime.settled()
    const rows = (await h.runs('quick')).filter((r) => r.status !== 'running')
    expect(rows.map((r) => r.status)).toEqual(Array(5).fill('succeeded'))
    expect(runs).toBe(5)
  })

  it('killed with a run claimed ahead: recovery records that row interrupted, and the occurrence runs once at restart (catch-up), never twice', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'circadian-claim-crash-'))
    try {
      const ran: string[] = []
      const type = testType(async (ctx) => (ran.push(ctx.run.scheduledFor!.toISOString()), { status: 'ok' }))
      const config = { jobs: { tick: { type: 'test', schedule: '*/10 * * * * *' } } }
      const first = await startHarness(config, { now: '2026-01-01T00:00:09.800Z', types: [type], dir })
      await settle()
      await first.runtime.settled()
      const [ahead] = await first.store.knex('runs').where({ job: 'tick' })
      expect(ahead).toMatchObject({ status: 'running', scheduled_for: iso('2026-01-01T00:00:10Z') })
      // SIGKILL: nothing is let go; the timer stops with the process.
      first.runtime.scheduler.stop()
      await first.store.close()
      expect(ran).toEqual([])

      // Back 40 s later (the lease has expired): recovery first, then the scheduler from the watermark.
      h = await startHarness(config, { now: '2026-01-01T00:00:50.000Z', types: [type], dir, start: false })
      expect(await h.runtime.recover()).toBe(1)
      await h.runtime.start()
      await h.clock.advance(0)
      await settle()
      await h.runtime.settled()
      const rows = await allRows('tick')
      const at10 = rows.filter((r) => r.scheduled_for === iso('2026-01-01T00:00:10Z'))
      expect(at10.find((r) => r.id === ahead.id)).toMatchObject({ status: 'interrupted', reason: 'process-lost' })
      // Every occurrence of the downtime is within misfireGrace (60 s), so each runs once; 00:10, which
      // never started before the kill, among them.
      expect(ran.sort()).toEqual(['10', '20', '30', '40', '50'].map((sec) => iso(`2026-01-01T00:00:${sec}Z`)))
      expect(at10.map((r) => r.status).sort()).toEqual(['interrupted', 'succeeded'])
    } finally {
      await h?.close()
      h = undefined
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
