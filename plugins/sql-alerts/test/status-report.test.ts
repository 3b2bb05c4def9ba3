import { timeFormatter } from 'circadian'
import { describe, expect, it } from 'vitest'
import { type AlertStatus, statusRows } from '../src/cli/status-report.js'

const NOW = Date.parse('2026-07-01T12:00:00Z')
const status = (over: Partial<AlertStatus>): AlertStatus => ({
  job: 'revenue',
  connection: 'warehouse',
  description: null,
  state: 'ALERT',
  since: '2026-07-01T09:00:00.000Z',
  lastResult: null,
  lastEvaluatedAt: '2026-07-01T11:59:00.000Z',
  lastRunId: null,
  consecutive: null,
  for: 1,
  actual_value: 5,
  threshold: 3,
  context: null,
  lastError: null,
  lastNotified: null,
  notice: null,
  silenced: {
    by: 'ana',
    reason: 'backfill',
    createdAt: '2026-07-01T12:00:00.000Z',
    until: '2026-07-01T14:00:00.000Z',
    untilResolved: false,
  },
  ...over,
})

describe('alerts status: times follow the core rule (the job zone with its offset; --utc for UTC)', () => {
  it("writes since, checked and silenced-until in the job's zone with its offset", () => {
    const times = timeFormatter({ zone: 'UTC', jobZones: new Map([['revenue', 'Europe/Berlin']]) })
    const [row] = statusRows([status({})], NOW, times)
    expect(row[2]).toBe('2026-07-01 11:00:00 +02:00 (3h)')
    expect(row[4]).toBe('2026-07-01 13:59:00 +02:00')
    expect(row[5]).toBe('until 2026-07-01 16:00:00 +02:00 by ana: backfill')
  })

  it('with --utc, in UTC marked +00:00; a missing time is "-"', () => {
    const times = timeFormatter({ zone: 'UTC', jobZones: new Map([['revenue', 'Europe/Berlin']]), utc: true })
    const [row] = statusRows([status({ lastEvaluatedAt: null, silenced: null })], NOW, times)
    expect(row[2]).toBe('2026-07-01 09:00:00 +00:00 (3h)')
    expect(row[4]).toBe('-')
    expect(row[5]).toBe('-')
  })
})
