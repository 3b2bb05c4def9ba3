import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, testType } from './harness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const waitFor = async (ok: () => boolean | Promise<boolean>, what: string) => {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20)))
    if (await ok()) return
  throw new Error(`timed out waiting for ${what}`)
}

describe('a job that lags behind its schedule', () => {
  it("occurrences due together while its earlier run still goes are skipped (overlap 'skip'), not run beside it", async () => {
    let release: () => void = () => {}
    const released = new Promise<void>((r) => (release = r))
    let running = 0
    let most = 0
    const blocking = testType(async () => {
      most = Math.max(most, ++running)
      await released
      running--
      return { status: 'ok' }
    })
    h = await startHarness(
      { jobs: { lag: { type: 'test', schedule: '* * * * * *' } } },
      { now: '2026-01-01T00:00:00.500Z', types: [blocking] },
    )
    await h.clock.advance(1000)
    await waitFor(() => running === 1, 'the first run')
    // A stall: five more occurrences fall due in one wake-up, all within misfireGrace (on time).
    h.clock.jump(5000)
    await h.clock.advance(0)
    await waitFor(async () => (await h!.runs('lag')).length === 6, 'six rows')
    expect(most).toBe(1)
    const rows = await h.runs('lag')
    expect(rows.map((r) => r.status)).toEqual(['running', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped'])
    release()
    await h.runtime.settled()
    expect((await h.runs('lag'))[0].status).toBe('succeeded')
  })
})

describe('stopping under overload', () => {
  it('a tiny pool with many runs waiting: shutdown ends within its grace, running runs interrupted, none started after it began', async () => {
    let started = 0
    let stopping = false
    let startedWhileStopping = 0
    // Each run takes 5 s unless aborted; the pool has one slot, so runs pile up waiting for it.
    const slow = testType(
      (ctx) =>
        new Promise((resolve) => {
          started++
          if (stopping) startedWhileStopping++
          const t = setTimeout(() => resolve({ status: 'ok' }), 5000)
          ctx.signal.addEventListener('abort', () => (clearTimeout(t), resolve({ status: 'ok' })), { once: true })
        }),
    )
    const jobs = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`j${i}`, { type: 'test', schedule: '* * * * * *' }]),
    )
    h = await startHarness({ maxConcurrent: 1, jobs }, { now: '2026-01-01T00:00:00.500Z', types: [slow] })
    for (let i = 0; i < 3; i++) await h.clock.advance(1000)
    await waitFor(() => started === 1 && h!.runtime.dispatcher.waitingCount > 0, 'runs waiting for the slot')
    // Rows whose writes are still in flight when the stop begins must not start either.
    await h.clock.advance(1000)
    stopping = true
    const t0 = Date.now()
    await h.runtime.shutdown(1000)
    expect(Date.now() - t0).toBeLessThan(4000)
    expect(startedWhileStopping).toBe(0)
    const rows = await h.runs()
    expect(rows.filter((r) => r.status === 'running')).toEqual([])
    expect(rows.filter((r) => r.status === 'succeeded' || r.status === 'interrupted').length).toBeGreaterThanOrEqual(1)
  }, 30_000)
})

describe('a run whose row is written after shutdown began', () => {
  it('is not started: it is recorded interrupted without its job being called, so it cannot hold shutdown past its grace', async () => {
    let invoked = 0
    const long = testType(
      (ctx) =>
        new Promise((resolve) => {
          invoked++
          const t = setTimeout(() => resolve({ status: 'ok' }), 5000)
          ctx.signal.addEventListener('abort', () => (clearTimeout(t), resolve({ status: 'ok' })), { once: true })
        }),
    )
    h = await startHarness(
      { jobs: { long: { type: 'test', every: '1h' } } },
      { now: '2026-01-01T00:00:00Z', types: [long] },
    )
    // The slot is reserved and the row is being written when the stop begins (same tick).
    const outcome = h.runtime.trigger('long', 'manual')
    const t0 = Date.now()
    await h.runtime.shutdown(1000)
    const settled = await Promise.race([
      outcome,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 3000)),
    ])
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(invoked).toBe(0)
    expect(settled).toMatchObject({ status: 'interrupted', attempts: 0 })
    await h.store.batcher.drain()
    expect((await h.runs('long')).map((r) => r.status)).toEqual(['interrupted'])
  })
})
