import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { defineJobType } from '../../src/run/job-type.js'
import { STUCK_SLACK_MS, runBudget } from '../../src/serve/health.js'
import { job } from '../helpers/jobs.js'

const type = defineJobType({ type: 'graceful', options: z.object({}), stopGrace: () => 2_000, run: async () => ({ status: 'ok' }) })

describe('runBudget (when a running run counts as stuck)', () => {
  it('is null without a timeout', () => {
    expect(runBudget(job('a', type))).toBeNull()
  })

  it('one attempt: its timeout and stop grace', () => {
    expect(runBudget(job('a', type, { timeout: '10s' }))).toBe(10_000 + 2_000 + STUCK_SLACK_MS)
  })

  it('retries: every attempt with its stop grace, and the longest wait between attempts', () => {
    expect(runBudget(job('b', type, { timeout: '10s', retry: { attempts: 3, delay: '5s', maxDelay: '30s' } }))).toBe(3 * 12_000 + 2 * 30_000 + STUCK_SLACK_MS)
    expect(runBudget(job('c', type, { timeout: '10s', retry: { attempts: 3, delay: '5s', backoff: 'fixed' } }))).toBe(3 * 12_000 + 2 * 5_000 + STUCK_SLACK_MS)
  })
})
