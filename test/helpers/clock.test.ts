import { describe, expect, it } from 'vitest'
import { fakeClockEnv, minuteHalfAnHourAway, nextDailyFire, shownFireTime, wallTime } from './clock.js'

const next = (hhmm: string, zone: string, after: string) =>
  new Date(nextDailyFire(hhmm, zone, Date.parse(after))).toISOString()

describe('the time helpers of the tests', () => {
  it('nextDailyFire: the next wall time, today or tomorrow', () => {
    expect(next('02:00', 'Europe/Berlin', '2026-12-07T00:30:00Z')).toBe('2026-12-07T01:00:00.000Z')
    expect(next('02:00', 'Europe/Berlin', '2026-12-07T01:00:00Z')).toBe('2026-12-08T01:00:00.000Z')
    expect(next('14:00', 'Pacific/Chatham', '2026-06-15T00:00:00Z')).toBe('2026-06-15T01:15:00.000Z')
  })

  it('nextDailyFire: a wall time a spring-forward gap swallowed fires right after the gap', () => {
    // Berlin, 2026-03-29: 02:00 CET → 03:00 CEST.
    expect(next('02:00', 'Europe/Berlin', '2026-03-28T23:30:00Z')).toBe('2026-03-29T01:00:00.000Z')
    expect(next('02:30', 'Europe/Berlin', '2026-03-29T00:30:00Z')).toBe('2026-03-29T01:00:00.000Z')
  })

  it('nextDailyFire: a repeated wall time fires on its first pass only', () => {
    // Berlin, 2026-10-25: 03:00 CEST → 02:00 CET; 02:00 first passes at 00:00Z, again at 01:00Z.
    expect(next('02:00', 'Europe/Berlin', '2026-10-24T23:30:00Z')).toBe('2026-10-25T00:00:00.000Z')
    expect(next('02:00', 'Europe/Berlin', '2026-10-25T00:30:00Z')).toBe('2026-10-26T01:00:00.000Z')
  })

  it('shownFireTime leaves the date out on the fire’s own local day', () => {
    const fire = Date.parse('2026-12-07T01:00:00Z')
    expect(wallTime(fire, 'Europe/Berlin')).toBe('2026-12-07 02:00:00')
    expect(shownFireTime(fire, 'Europe/Berlin', Date.parse('2026-12-07T00:06:00Z'))).toBe('02:00:00')
    expect(shownFireTime(fire, 'Europe/Berlin', Date.parse('2026-12-06T22:59:59Z'))).toBe('2026-12-07 02:00:00')
  })

  it('minuteHalfAnHourAway', () => {
    expect(minuteHalfAnHourAway(Date.parse('2026-06-15T10:59:58Z'))).toBe(29)
    expect(minuteHalfAnHourAway(Date.parse('2026-06-15T10:10:00Z'))).toBe(40)
  })

  it('fakeClockEnv passes libfaketime on only when it is loaded', () => {
    expect(fakeClockEnv({ PATH: '/bin' })).toEqual({})
    expect(fakeClockEnv({ FAKETIME: '-10', LD_PRELOAD: '/x/libother.so' })).toEqual({})
    const env = {
      PATH: '/bin',
      FAKETIME: '-10',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      LD_PRELOAD: '/usr/lib/faketime/libfaketime.so.1',
    }
    expect(fakeClockEnv(env)).toEqual({
      FAKETIME: '-10',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      LD_PRELOAD: '/usr/lib/faketime/libfaketime.so.1',
    })
  })
})
