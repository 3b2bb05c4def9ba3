import { describe, expect, it } from 'vitest'
import {
  findTransition,
  formatInZone,
  instantsOfWallTime,
  isValidTimeZone,
  machineTimeZone,
  offsetAt,
  wallTimeOf,
} from './zone.js'

const H = 3_600_000
const M = 60_000
const at = (iso: string) => Date.parse(iso)
/** A wall time (floating ms), written as its local calendar time. */
const wall = (local: string) => Date.parse(`${local}Z`)
const isoList = (instants: number[]) => instants.map((i) => new Date(i).toISOString())

describe('offsetAt', () => {
  it.each([
    ['Europe/Berlin', '2026-03-29T00:59:59Z', 1 * H],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 2 * H],
    ['Europe/Berlin', '2026-10-25T00:59:59Z', 2 * H],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', 1 * H],
    ['America/New_York', '2026-03-08T06:59:59Z', -5 * H],
    ['America/New_York', '2026-03-08T07:00:00Z', -4 * H],
    ['America/New_York', '2026-11-01T05:59:59Z', -4 * H],
    ['America/New_York', '2026-11-01T06:00:00Z', -5 * H],
    ['Australia/Lord_Howe', '2026-04-04T14:59:59Z', 11 * H],
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z', 10.5 * H],
    ['Australia/Lord_Howe', '2026-10-03T15:29:59Z', 10.5 * H],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z', 11 * H],
    ['America/Santiago', '2026-09-06T03:59:59Z', -4 * H],
    ['America/Santiago', '2026-09-06T04:00:00Z', -3 * H],
    ['Asia/Tokyo', '2026-01-15T00:00:00Z', 9 * H],
    ['Asia/Tokyo', '2026-07-15T00:00:00Z', 9 * H],
    ['Asia/Kathmandu', '2026-07-15T00:00:00Z', 5 * H + 45 * M],
    ['UTC', '2026-07-15T00:00:00Z', 0],
    ['Etc/UTC', '2026-07-15T00:00:00Z', 0],
  ])('%s at %s is %i ms', (zone, instant, offset) => {
    expect(offsetAt(zone, at(instant))).toBe(offset)
  })

  it('milliseconds on either side of a transition get the right offset', () => {
    expect(offsetAt('Europe/Berlin', at('2026-03-29T00:59:59.999Z'))).toBe(1 * H)
    expect(offsetAt('Europe/Berlin', at('2026-03-29T01:00:00.500Z'))).toBe(2 * H)
  })

  it('a transition off the quarter hour (Antarctica/Casey, 2020-10-03 16:01Z) is exact to the second', () => {
    expect(offsetAt('Antarctica/Casey', at('2020-10-03T16:00:00Z'))).toBe(8 * H)
    expect(offsetAt('Antarctica/Casey', at('2020-10-03T16:00:59Z'))).toBe(8 * H)
    expect(offsetAt('Antarctica/Casey', at('2020-10-03T16:01:00Z'))).toBe(11 * H)
    expect(offsetAt('Antarctica/Casey', at('2020-10-03T16:14:59Z'))).toBe(11 * H)
  })

  it('before 1970: standard time, and local mean time with its seconds (New York 1850: -4:56:02)', () => {
    expect(offsetAt('Europe/Berlin', at('1960-07-01T00:00:00Z'))).toBe(1 * H)
    expect(offsetAt('America/New_York', at('1850-01-01T00:00:00Z'))).toBe(-(4 * H + 56 * M + 2000))
  })
})

describe('wallTimeOf', () => {
  it('adds the offset in force at that instant', () => {
    expect(wallTimeOf('Europe/Berlin', at('2026-03-29T00:59:00Z'))).toBe(wall('2026-03-29T01:59:00'))
    expect(wallTimeOf('Europe/Berlin', at('2026-03-29T01:00:00Z'))).toBe(wall('2026-03-29T03:00:00'))
    expect(wallTimeOf('Australia/Lord_Howe', at('2026-10-03T15:30:00Z'))).toBe(wall('2026-10-04T02:30:00'))
  })
})

describe('findTransition', () => {
  it('finds the Berlin spring-forward and fall-back instants inside a day', () => {
    expect(
      new Date(findTransition('Europe/Berlin', at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toISOString(),
    ).toBe('2026-03-29T01:00:00.000Z')
    expect(
      new Date(findTransition('Europe/Berlin', at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toISOString(),
    ).toBe('2026-10-25T01:00:00.000Z')
  })

  it('finds the Lord Howe half-hour transition at 15:30Z', () => {
    expect(
      new Date(
        findTransition('Australia/Lord_Howe', at('2026-10-03T00:00:00Z'), at('2026-10-04T00:00:00Z')),
      ).toISOString(),
    ).toBe('2026-10-03T15:30:00.000Z')
  })

  it('returns `to` when `to` is the transition itself', () => {
    expect(findTransition('Europe/Berlin', at('2026-03-29T00:00:00Z'), at('2026-03-29T01:00:00Z'))).toBe(
      at('2026-03-29T01:00:00Z'),
    )
  })

  it('returns the exact transition instant when the bounds carry milliseconds', () => {
    expect(findTransition('Europe/Berlin', at('2026-03-29T00:00:00.300Z'), at('2026-03-29T02:00:00.700Z'))).toBe(
      at('2026-03-29T01:00:00Z'),
    )
  })

  it('terminates on a window of one to two seconds with milliseconds (used to loop forever)', () => {
    expect(findTransition('Europe/Berlin', at('2026-03-29T00:59:58.500Z'), at('2026-03-29T01:00:00Z'))).toBe(
      at('2026-03-29T01:00:00Z'),
    )
    expect(findTransition('Europe/Berlin', at('2026-03-29T00:59:59.250Z'), at('2026-03-29T01:00:00.999Z'))).toBe(
      at('2026-03-29T01:00:00Z'),
    )
  })

  it('finds a transition off the quarter hour (Antarctica/Casey 2020-10-03 16:01Z)', () => {
    expect(
      new Date(
        findTransition('Antarctica/Casey', at('2020-10-03T00:00:00Z'), at('2020-10-04T00:00:00Z')),
      ).toISOString(),
    ).toBe('2020-10-03T16:01:00.000Z')
  })
})

describe('instantsOfWallTime', () => {
  it.each([
    // gaps: none
    ['Europe/Berlin', '2026-03-29T02:00:00', []],
    ['Europe/Berlin', '2026-03-29T02:30:00', []],
    ['America/New_York', '2026-03-08T02:30:00', []],
    ['Australia/Lord_Howe', '2026-10-04T02:15:00', []],
    ['America/Santiago', '2026-09-06T00:30:00', []],
    // gap edges: one
    ['Europe/Berlin', '2026-03-29T01:59:59', ['2026-03-29T00:59:59.000Z']],
    ['Europe/Berlin', '2026-03-29T03:00:00', ['2026-03-29T01:00:00.000Z']],
    ['Australia/Lord_Howe', '2026-10-04T02:30:00', ['2026-10-03T15:30:00.000Z']],
    // repeated: two, earlier first
    ['Europe/Berlin', '2026-10-25T02:00:00', ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z']],
    ['Europe/Berlin', '2026-10-25T02:30:00', ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']],
    ['America/New_York', '2026-11-01T01:30:00', ['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']],
    ['Australia/Lord_Howe', '2026-04-05T01:45:00', ['2026-04-04T14:45:00.000Z', '2026-04-04T15:15:00.000Z']],
    ['America/Santiago', '2026-04-04T23:30:00', ['2026-04-05T02:30:00.000Z', '2026-04-05T03:30:00.000Z']],
    // repeat edges: one
    ['Europe/Berlin', '2026-10-25T01:59:59', ['2026-10-24T23:59:59.000Z']],
    ['Europe/Berlin', '2026-10-25T03:00:00', ['2026-10-25T02:00:00.000Z']],
    // ordinary
    ['Europe/Berlin', '2026-07-01T12:00:00', ['2026-07-01T10:00:00.000Z']],
    ['Asia/Tokyo', '2026-03-29T02:30:00', ['2026-03-28T17:30:00.000Z']],
    ['UTC', '2026-03-29T02:30:00', ['2026-03-29T02:30:00.000Z']],
  ])('%s %s', (zone, local, expected) => {
    expect(isoList(instantsOfWallTime(zone, wall(local)))).toEqual(expected)
  })
})

describe('formatInZone', () => {
  it.each([
    ['Europe/Berlin', '2026-03-29T00:59:59Z', '2026-03-29 01:59:59 +01:00'],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', '2026-03-29 03:00:00 +02:00'],
    ['Europe/Berlin', '2026-10-25T00:30:00Z', '2026-10-25 02:30:00 +02:00'],
    ['Europe/Berlin', '2026-10-25T01:30:00Z', '2026-10-25 02:30:00 +01:00'],
    ['America/New_York', '2026-11-01T05:30:00Z', '2026-11-01 01:30:00 -04:00'],
    ['America/New_York', '2026-11-01T06:30:00Z', '2026-11-01 01:30:00 -05:00'],
    ['Australia/Lord_Howe', '2026-10-03T15:29:59Z', '2026-10-04 01:59:59 +10:30'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z', '2026-10-04 02:30:00 +11:00'],
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z', '2026-01-01 05:45:00 +05:45'],
    ['America/St_Johns', '2026-07-01T12:00:00Z', '2026-07-01 09:30:00 -02:30'],
    ['UTC', '2026-01-01T00:00:00.999Z', '2026-01-01 00:00:00 +00:00'],
  ])('%s at %s reads %s', (zone, instant, text) => {
    expect(formatInZone(zone, at(instant))).toBe(text)
  })

  it('a local-mean-time offset keeps its seconds (New York 1850: -04:56:02)', () => {
    expect(formatInZone('America/New_York', at('1850-01-01T00:00:00Z'))).toBe('1849-12-31 19:03:58 -04:56:02')
  })
})

describe('isValidTimeZone and machineTimeZone', () => {
  it('accepts IANA names and UTC, refuses the rest', () => {
    // Canonical names, names ICU lists under an older canonical form, and aliases it only knows by lookup.
    for (const zone of [
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'UTC',
      'Etc/UTC',
      'Etc/GMT+5',
      'Asia/Kolkata',
      'Asia/Calcutta',
      'Europe/Kyiv',
      'US/Pacific',
    ])
      expect(isValidTimeZone(zone), zone).toBe(true)
    for (const zone of ['Mars/Olympus', 'Europe/Berln', '']) expect(isValidTimeZone(zone), zone).toBe(false)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false) // the answer is cached, not flipped
  })

  it('the machine zone is a valid zone', () => {
    expect(isValidTimeZone(machineTimeZone())).toBe(true)
  })
})
