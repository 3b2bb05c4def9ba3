import { afterEach, describe, expect, it } from 'vitest'
import { type Harness, startHarness, testType } from './harness.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const waitFor = async (ok: () => boolean | Promise<boolean>, what: string) => {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) if (await ok()) return
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
    h = await startHarness({ jobs: { lag: { type: 'test', schedule: '* * * * * *' } } }, { now: '2026-01-01T00:00:00.500Z', types: [blocking] })
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
