import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as api from '../../src/api.js'
import { executeRun } from '../../src/run/execute-run.js'
import type { RunServices } from '../../src/run/services.js'
import { job, scriptedType, testServices } from '../helpers/jobs.js'

let services: RunServices & { close(): Promise<void> }
beforeEach(async () => {
  services = await testServices()
})
afterEach(async () => services.close())

const policy = { retry: { attempts: 5, delay: '10ms', jitter: false } }

describe('JobError retryable: false (public API)', () => {
  it('fails after one attempt with reason permanent, a dead letter, and the job reason replaced', async () => {
    let calls = 0
    const type = scriptedType(async () => {
      calls++
      throw new api.JobError('wrong header: needs user_id', { reason: 'header', retryable: false })
    })
    const outcome = await executeRun(job('j', type, policy), { trigger: 'manual' }, services)
    expect(calls).toBe(1)
    expect(outcome).toMatchObject({
      status: 'failed',
      reason: 'permanent',
      attempts: 1,
      error: 'wrong header: needs user_id',
    })
    expect((await services.store.runs.attempts(outcome.id)).map((a) => a.status)).toEqual(['failed'])
    expect((await services.store.deadLetters.list()).map((d) => d.run_id)).toEqual([outcome.id])
  })

  it('a permanent failure on a later attempt stops the retries there', async () => {
    let calls = 0
    const type = scriptedType(async () => {
      calls++
      throw new api.JobError(`attempt ${calls}`, { retryable: calls < 2 })
    })
    const outcome = await executeRun(job('j', type, policy), { trigger: 'manual' }, services)
    expect(calls).toBe(2)
    expect(outcome).toMatchObject({ status: 'failed', reason: 'permanent', attempts: 2 })
  })

  it('a JobError from a plugin bundling its own copy of the class is understood by shape', async () => {
    class ForeignJobError extends Error {
      readonly retryable = false
    }
    let calls = 0
    const type = scriptedType(async () => {
      calls++
      throw new ForeignJobError('syntax error at or near "selec"')
    })
    const outcome = await executeRun(job('j', type, policy), { trigger: 'manual' }, services)
    expect(calls).toBe(1)
    expect(outcome.reason).toBe('permanent')
  })

  it('retryable defaults to true: a plain JobError is still retried', async () => {
    let calls = 0
    const type = scriptedType(async () => {
      calls++
      throw new api.JobError('flaky')
    })
    expect(new api.JobError('x').retryable).toBe(true)
    const outcome = await executeRun(
      job('j', type, { retry: { attempts: 3, delay: '10ms', jitter: false } }),
      { trigger: 'manual' },
      services,
    )
    expect(calls).toBe(3)
    expect(outcome.reason ?? null).toBeNull()
  })
})
