import { type JobContext, JobError } from 'circadian'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSqlAlert } from '../src/evaluate/run-alert.js'
import { type AlertDatabase, alertDatabase, options } from './fixtures.js'

function context(fx: AlertDatabase): JobContext {
  const data = new Map<string, unknown>()
  return {
    signal: new AbortController().signal,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    run: { id: 'run-1', job: 'revenue', type: 'sql-alert', scheduledFor: null, attempt: 1, trigger: 'schedule' },
    db: () => fx.db,
    kv: {
      get: async <T>(key: string) => data.get(key) as T | undefined,
      set: async (key, value) => void data.set(key, structuredClone(value)),
      delete: async (key) => void data.delete(key),
      list: async () => [],
    },
    notify: async () => ({ ids: [] }),
    noticeStates: async (ids) => Object.fromEntries(ids.map((id) => [id, 'sent' as const])),
    clock: { now: () => Date.UTC(2026, 0, 1) },
    configDir: process.cwd(),
  }
}

const failureOf = async (fx: AlertDatabase, query: string): Promise<JobError> => {
  const err = await runSqlAlert(context(fx), options({ query })).catch((e) => e)
  expect(err).toBeInstanceOf(JobError)
  return err as JobError
}

describe.each(['sqlite', 'pg', 'mysql'] as const)('sql-alert failures that no retry can fix (%s)', (kind) => {
  let fx: AlertDatabase
  beforeAll(async () => {
    fx = await alertDatabase(kind)
  }, 60_000)
  afterAll(async () => {
    await fx?.close()
  })

  it('a SQL syntax error is permanent (retryable: false), its kind kept as the reason', async () => {
    const err = await failureOf(fx, 'selec status from metrics')
    expect(err.reason).toBe('sql-error')
    expect(err.retryable).toBe(false)
  })

  it('a query that breaks the contract (no status column, no rows, a bad status) is permanent', async () => {
    expect((await failureOf(fx, 'select x from metrics')).retryable).toBe(false)
    expect((await failureOf(fx, "select 'OK' as status from metrics where x < 0")).retryable).toBe(false)
    expect((await failureOf(fx, "select 'WARN' as status from metrics")).retryable).toBe(false)
  })

  it('a missing table is not: it may be created before the next attempt', async () => {
    const err = await failureOf(fx, 'select status from no_such_table_here')
    expect(err.reason).toBe('sql-error')
    expect(err.retryable).toBe(true)
  })
})
