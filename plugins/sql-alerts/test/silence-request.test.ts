import { describe, expect, it } from 'vitest'
import { silenceFromFlags } from '../src/cli/silence-request.js'
import { parseInstant } from '../src/cli/wall-time.js'

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)

describe('--until date-times', () => {
  it('reads Z and offsets as the instant they name', () => {
    expect(parseInstant('2026-12-01T09:00:00Z', 'Europe/Berlin')).toBe(Date.UTC(2026, 11, 1, 9))
    expect(parseInstant('2026-12-01T09:00+05:30', 'UTC')).toBe(Date.UTC(2026, 11, 1, 3, 30))
  })

  it("reads a time without an offset in the config's zone, summer and winter", () => {
    expect(parseInstant('2026-12-01T09:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 11, 1, 8))
    expect(parseInstant('2026-07-01 09:00:00', 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 1, 7))
    expect(parseInstant('2026-07-01', 'America/New_York')).toBe(Date.UTC(2026, 6, 1, 4))
  })

  it('refuses what is not a date-time', () => {
    for (const text of ['tomorrow', '2026-02-30T10:00', '2026-13-01', '09:00'])
      expect(parseInstant(text, 'UTC')).toBeNull()
  })
})

describe('silence flags', () => {
  it('--for counts from now and records who and why', () => {
    process.env.USER = 'ana'
    expect(silenceFromFlags({ for: '2h', reason: ' backfill ' }, NOW, 'UTC')).toEqual({
      v: 1,
      by: 'ana',
      reason: 'backfill',
      createdAt: new Date(NOW).toISOString(),
      until: new Date(NOW + 2 * 3_600_000).toISOString(),
      untilResolved: false,
    })
  })

  it('--until-resolved has no end time', () => {
    expect(silenceFromFlags({ 'until-resolved': true }, NOW, 'UTC')).toMatchObject({
      until: null,
      untilResolved: true,
      reason: null,
    })
  })

  it('takes exactly one of --for, --until and --until-resolved', () => {
    expect(() => silenceFromFlags({}, NOW, 'UTC')).toThrow(/say how long: --for 2h/)
    expect(() => silenceFromFlags({ for: '1h', 'until-resolved': true }, NOW, 'UTC')).toThrow(
      /not --for and --until-resolved/,
    )
  })

  it('refuses a bad duration and an end in the past', () => {
    expect(() => silenceFromFlags({ for: '0s' }, NOW, 'UTC')).toThrow(/--for "0s" is not a duration/)
    expect(() => silenceFromFlags({ until: '2026-11-23T11:59' }, NOW, 'UTC')).toThrow(/is in the past/)
    expect(() => silenceFromFlags({ until: 'friday' }, NOW, 'UTC')).toThrow(/is not an ISO date-time/)
  })
})
