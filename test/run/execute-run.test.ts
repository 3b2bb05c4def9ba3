import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { executeRun } from '../../src/run/execute-run.js'
import { JobError } from '../../src/run/job-type.js'
import { exitCodeFor } from '../../src/run/outcome.js'
import { RunStop } from '../../src/run/run-stop.js'
import { runJobs } from '../../src/run/run-jobs.js'
import type { RunServices } from '../../src/run/services.js'
import { job, scriptedType, testServices } from '../helpers/jobs.js'

let services: RunServices & { close(): Promise<void> }
beforeEach(async () => {
  services = await testServices()
})
afterEach(async () => services.close())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('executeRun', () => {
  it('records the row as running before the job starts, then its terminal status', async () => {
    let seen: string | undefined
    const type = scriptedType(async (ctx) => {
      seen = (await services.store.runs.get(ctx.run.id))?.status
      return { status: 'ok', summary: 'done', data: { rows: 3n, at: new Date('2026-01-01T00:00:00Z') } }
    })
    const outcome = await executeRun(job('j', type), { trigger: 'manual' }, services)
    expect(seen).toBe('running')
    expect(outcome).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      summary: 'done',
      data: { rows: 3, at: '2026-01-01T00:00:00.000Z' },
    })
    expect((await services.store.runs.get(outcome.id))?.status).toBe('succeeded')
    expect(await services.store.jobState.get('j')).toMatchObject({ last_status: 'succeeded', consecutive_failures: 0 })
  })

  it('retries a failing attempt per the policy, and gives up with status failed', async () => {
    let calls = 0
    const type = scriptedType(async () => {
      calls++
      throw new JobError('warehouse said no', { reason: 'query-error' })
    })
    const outcome = await executeRun(
      job('j', type, { retry: { attempts: 3, delay: '10ms', jitter: false } }),
      { trigger: 'manual' },
      services,
    )
    expect(calls).toBe(3)
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3, error: 'warehouse said no' })
    expect((await services.store.runs.get(outcome.id))?.reason).toBe('query-error')
    expect((await services.store.runs.attempts(outcome.id)).map((a) => a.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ])
    expect(await services.store.jobState.get('j')).toMatchObject({ consecutive_failures: 1 })
  })

  it('a timeout aborts the attempt signal; a timed-out attempt is retried; the last one decides timed_out', async () => {
    const aborted: unknown[] = []
    const type = scriptedType(async (ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
      aborted.push(ctx.signal.reason)
      throw new Error('stopped')
    })
    const outcome = await executeRun(
      job('j', type, { timeout: '50ms', retry: { attempts: 2, delay: '10ms' } }),
      { trigger: 'manual' },
      services,
    )
    expect(aborted).toEqual(['timeout', 'timeout'])
    expect(outcome).toMatchObject({ status: 'timed_out', attempts: 2, error: 'timed out after 50ms' })
  })

  it('an interruption is not retried and records interrupted', async () => {
    const controller = new AbortController()
    let calls = 0
    const type = scriptedType(async (ctx) => {
      calls++
      setTimeout(() => controller.abort('interrupted'), 20)
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
      throw new Error('stopped')
    })
    const outcome = await executeRun(
      job('j', type, { retry: { attempts: 5, delay: '10ms' } }),
      { trigger: 'manual', signal: controller.signal },
      services,
    )
    expect(calls).toBe(1)
    expect(outcome).toMatchObject({ status: 'interrupted', attempts: 1 })
  })

  it('a job type that ignores its aborted signal is abandoned after its stop grace', async () => {
    const stubborn = { ...scriptedType(() => new Promise(() => {})), stopGrace: () => 200 }
    const started = Date.now()
    const outcome = await executeRun(job('j', stubborn, { timeout: '50ms' }), { trigger: 'manual' }, services)
    expect(outcome.status).toBe('timed_out')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('a job type that needs longer to stop (a command with a long killGrace) is waited for', async () => {
    let cleanedUp = false
    const slowStopper = {
      ...scriptedType(async (ctx) => {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
        await sleep(400)
        cleanedUp = true
        throw new Error('stopped')
      }),
      stopGrace: () => 2000,
    }
    const outcome = await executeRun(job('j', slowStopper, { timeout: '50ms' }), { trigger: 'manual' }, services)
    expect(outcome.status).toBe('timed_out')
    expect(cleanedUp).toBe(true)
  })

  it('a job that first reads its signal after the timeout gets it already aborted, with the cause', async () => {
    let late: { aborted: boolean; reason: unknown } | undefined
    const type = {
      ...scriptedType(async (ctx) => {
        await sleep(150)
        late = { aborted: ctx.signal.aborted, reason: ctx.signal.reason }
        return { status: 'ok' }
      }),
      stopGrace: () => 1000,
    }
    const outcome = await executeRun(job('j', type, { timeout: '50ms' }), { trigger: 'manual' }, services)
    expect(late).toEqual({ aborted: true, reason: 'timeout' })
    expect(outcome.status).toBe('timed_out')
  })

  it("serve's run stop (RunStop) interrupts the attempt like an AbortSignal; a stop before the start never runs it", async () => {
    const stop = new RunStop()
    const seen: unknown[] = []
    const type = scriptedType(async (ctx) => {
      setTimeout(() => stop.abort('replaced'), 20)
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
      seen.push(ctx.signal.reason)
      throw new Error('stopped')
    })
    const outcome = await executeRun(job('j', type), { trigger: 'manual', signal: stop }, services)
    expect(seen).toEqual(['replaced'])
    expect(outcome).toMatchObject({ status: 'interrupted', reason: 'replaced' })

    const early = new RunStop()
    early.abort('interrupted')
    let ran = false
    const never = scriptedType(async () => {
      ran = true
      return { status: 'ok' }
    })
    expect((await executeRun(job('k', never), { trigger: 'manual', signal: early }, services)).status).toBe(
      'interrupted',
    )
    expect(ran).toBe(false)
  })

  it('a job type that returns something that is not a RunResult fails the attempt with a clear error', async () => {
    const type = scriptedType(async () => ({ state: 'fine' }) as never)
    const outcome = await executeRun(job('j', type), { trigger: 'manual' }, services)
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toContain('returned an invalid result')
  })
})

describe('runJobs', () => {
  it('never runs more than maxConcurrent jobs at once, higher priority first', async () => {
    let running = 0
    let peak = 0
    const started: string[] = []
    const type = scriptedType(async (ctx) => {
      started.push(ctx.run.job)
      running++
      peak = Math.max(peak, running)
      await sleep(40)
      running--
      return { status: 'ok' }
    })
    const jobs = ['a', 'b', 'c', 'd', 'e'].map((n) =>
      job(n, type, { priority: n === 'e' ? 'CRITICAL' : n === 'd' ? 'HIGH' : 'NORMAL' }),
    )
    const outcomes = await runJobs({ jobs, maxConcurrent: 2, trigger: 'manual' }, services)
    expect(outcomes).toHaveLength(5)
    expect(peak).toBe(2)
    expect(started.slice(0, 2)).toEqual(['e', 'd'])
    expect(exitCodeFor(outcomes)).toBe(0)
  })

  it('an alert upstream also holds back its downstream (only success satisfies `after`)', async () => {
    const alerting = scriptedType(async () => ({ status: 'alert', summary: 'stale data' }), 'alerting')
    const ok = scriptedType(async () => ({ status: 'ok' }))
    const outcomes = await runJobs(
      { jobs: [job('check', alerting), job('report', ok, { after: ['check'] })], maxConcurrent: 5, trigger: 'manual' },
      services,
    )
    const report = outcomes.find((o) => o.job === 'report')!
    expect(report).toMatchObject({
      status: 'skipped',
      reason: 'upstream-failed',
      summary: 'upstream job "check" raised an alert',
    })
    expect(exitCodeFor(outcomes)).toBe(1)
  })
})
