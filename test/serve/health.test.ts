import { z } from 'zod'
import { afterEach, describe, expect, it } from 'vitest'
import { type RunResult, defineJobType } from '../../src/run/job-type.js'
import { STUCK_SLACK_MS, healthSummary, runBudget } from '../../src/serve/health.js'
import { type Harness, startHarness } from './harness.js'
import { job } from '../helpers/jobs.js'

const type = defineJobType({
  type: 'graceful',
  options: z.object({}),
  stopGrace: () => 2_000,
  run: async () => ({ status: 'ok' }),
})

describe('runBudget (when a running run counts as stuck)', () => {
  it('is null without a timeout', () => {
    expect(runBudget(job('a', type))).toBeNull()
  })

  it('one attempt: its timeout and stop grace', () => {
    expect(runBudget(job('a', type, { timeout: '10s' }))).toBe(10_000 + 2_000 + STUCK_SLACK_MS)
  })

  it('retries: every attempt with its stop grace, and the longest wait between attempts', () => {
    expect(runBudget(job('b', type, { timeout: '10s', retry: { attempts: 3, delay: '5s', maxDelay: '30s' } }))).toBe(
      3 * 12_000 + 2 * 30_000 + STUCK_SLACK_MS,
    )
    expect(runBudget(job('c', type, { timeout: '10s', retry: { attempts: 3, delay: '5s', backoff: 'fixed' } }))).toBe(
      3 * 12_000 + 2 * 5_000 + STUCK_SLACK_MS,
    )
  })
})

describe('job types that report health', () => {
  let h: Harness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it("a health-check job's alert or failure degrades /health with its summary; its success clears it", async () => {
    let next: RunResult | Error = { status: 'alert', summary: 'store lag 3h (over 1h)' }
    const probe = defineJobType({
      type: 'probe',
      options: z.object({ check: z.boolean().default(true) }),
      reportsHealth: (o) => o.check,
      run: async () => {
        if (next instanceof Error) throw next
        return next
      },
    })
    h = await startHarness(
      { jobs: { lag: { type: 'probe' }, other: { type: 'probe', check: false } } },
      { now: '2026-01-01T00:00:00Z', types: [probe] },
    )
    const ctx = {
      runtime: h.runtime,
      store: h.store,
      instance: 'test:1',
      startedAt: Date.now(),
      reloadError: () => null,
      thresholds: {},
    }
    const summary = () => healthSummary(ctx, h!.clock.now())

    expect((await summary()).status).toBe('ok')
    await h.runtime.trigger('lag', 'api')
    await h.runtime.trigger('other', 'api')
    let s = await summary()
    expect(s.status).toBe('degraded')
    expect(s.reasons).toEqual(['health check lag alert: store lag 3h (over 1h)'])
    expect(s.healthChecks).toMatchObject([{ job: 'lag', status: 'alert', summary: 'store lag 3h (over 1h)' }])

    next = new Error('store unreachable')
    await h.advance(1000)
    await h.runtime.trigger('lag', 'api')
    s = await summary()
    expect(s.reasons).toEqual(['health check lag failed: store unreachable'])

    next = { status: 'ok', summary: 'healthy' }
    await h.advance(1000)
    await h.runtime.trigger('lag', 'api')
    expect((await summary()).status).toBe('ok')
  })
})
