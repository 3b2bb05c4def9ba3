import { describe, expect, it } from 'vitest'
import { buildNotice } from '../src/notices/build-notice.js'
import { advance } from '../src/state/advance.js'

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0)

describe('notice fields', () => {
  it('carries every context column, renaming one that clashes with a notice field, and stringifies objects', () => {
    const { next } = advance(
      undefined,
      {
        kind: 'ALERT',
        outcome: {
          status: 'ALERT',
          actual_value: 12,
          threshold: 10,
          context: { state: 'CA', tags: { a: 1 }, at: '2026-11-23' },
        },
      },
      { now: T0, runId: 'r1', for: 1, repeatMs: null, silenced: false, notify: ['ops'] },
    )
    const notice = buildNotice({
      kind: 'firing',
      job: 'late_orders',
      connection: 'shop',
      severity: 'warning',
      state: next,
      now: T0,
    })
    expect(notice).toEqual({
      title: 'ALERT: late_orders',
      text: 'The query returned ALERT (12 vs threshold 10).',
      severity: 'warning',
      fields: {
        alert: 'late_orders',
        notice: 'firing',
        state: 'ALERT',
        since: new Date(T0).toISOString(),
        connection: 'shop',
        status: 'ALERT',
        actual_value: 12,
        threshold: 10,
        'context.state': 'CA',
        tags: '{"a":1}',
        at: '2026-11-23',
      },
    })
  })

  it('gives an error notice the error and no stale values', () => {
    const first = advance(
      undefined,
      { kind: 'OK', outcome: { status: 'OK', actual_value: 1, threshold: 10, context: { region: 'eu' } } },
      { now: T0, runId: 'r1', for: 1, repeatMs: null, silenced: false, notify: [] },
    )
    const { next } = advance(
      first.next,
      {
        kind: 'ERROR',
        error: { kind: 'timeout', message: 'query timed out after 30s (queryTimeout); the database stopped it' },
      },
      { now: T0 + 1000, runId: 'r2', for: 1, repeatMs: null, silenced: false, notify: [] },
    )
    const notice = buildNotice({
      kind: 'error',
      job: 'j',
      description: 'Orders keep flowing',
      connection: 'shop',
      severity: 'critical',
      state: next,
      now: T0 + 1000,
    })
    expect(notice.title).toBe('ERROR: j')
    expect(notice.severity).toBe('warning')
    expect(notice.text).toBe(
      'Orders keep flowing\nThe alert could not be evaluated: query timed out after 30s (queryTimeout); the database stopped it',
    )
    expect(notice.fields).toEqual({
      alert: 'j',
      notice: 'error',
      state: 'ERROR',
      since: new Date(T0 + 1000).toISOString(),
      connection: 'shop',
      error: 'query timed out after 30s (queryTimeout); the database stopped it',
    })
  })
})
