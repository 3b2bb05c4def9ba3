import { afterEach, describe, expect, it } from 'vitest'
import { Breakers } from '../../src/reliability/breakers.js'
import { RunRecorder } from '../../src/run/recorder.js'
import { job, scriptedType, testServices } from '../helpers/jobs.js'

type Services = Awaited<ReturnType<typeof testServices>>
let services: Services | undefined
afterEach(async () => {
  await services?.close()
})

describe('Breakers, half-open trials', () => {
  it('while the trial run is going no other run is let through; once it ends without a verdict, the next run gets the trial', async () => {
    services = await testServices()
    let now = Date.parse('2026-01-01T00:00:00Z')
    const clock = { now: () => now }
    const breakers = new Breakers(services.store, clock, { r: { breaker: { failures: 1, halfOpenAfter: 1000 } } })
    const j = job(
      'q',
      scriptedType(async () => ({ status: 'ok' })),
      { resources: ['r'] },
    )
    const recorder = new RunRecorder(services.store, clock, services.instance)

    const failing = (await recorder.start(j, 'manual', null))!
    await breakers.record(j, failing.id, 'failed')
    expect(await breakers.admit(j, 'other')).toMatchObject({ admitted: false, resource: 'r' })

    now += 1001
    const trial = (await recorder.start(j, 'manual', null))!
    await recorder.markRunning(trial)
    expect(await breakers.admit(j, trial.id)).toEqual({ admitted: true })
    // Long after halfOpenAfter, a trial that is still running (its lease is current) keeps the breaker to itself.
    now += 20_000
    expect(await breakers.admit(j, 'second')).toMatchObject({ admitted: false, until: null })

    // The trial ended interrupted (no verdict): the next run may try.
    await recorder.finish(j, trial, { status: 'interrupted', reason: null, attempts: 1, error: 'stopped' })
    const next = (await recorder.start(j, 'manual', null))!
    await recorder.markRunning(next)
    expect(await breakers.admit(j, next.id)).toEqual({ admitted: true })
    // That trial's process dies: nobody renews its lease, and once it runs out another run may try.
    now += 31_000
    expect(await breakers.admit(j, 'after-lease')).toEqual({ admitted: true })
    await breakers.record(j, 'after-lease', 'succeeded')
    expect((await services.store.breakers.get('r'))?.state).toBe('closed')
  })
})
