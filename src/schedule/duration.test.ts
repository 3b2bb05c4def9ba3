import { describe, expect, it } from 'vitest'
import { formatDuration, parseDuration } from './duration.js'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10sec', 10_000],
    ['5m', 300_000],
    ['5min', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['0s', 0],
  ])('one unit: %s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1m30s', 90_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['1w1d', 691_200_000],
  ])('sums: %s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it('is case-insensitive and ignores surrounding blanks', () => {
    expect(parseDuration(' 5M ')).toBe(300_000)
    expect(parseDuration('1H30M')).toBe(5_400_000)
    expect(parseDuration('5 m')).toBe(300_000)
  })

  it('takes decimals and rounds to whole milliseconds', () => {
    expect(parseDuration('1.5h')).toBe(5_400_000)
    expect(parseDuration('0.5s')).toBe(500)
    expect(parseDuration('1.5ms')).toBe(2)
  })

  it.each(['30', '0', '1.5', '1h30'])('refuses a plain number, even at the end of a sum: %s', (text) => {
    expect(parseDuration(text)).toBeNull()
  })

  it.each(['', '   ', 'h', 's5', '5x', '-5m', '5mo', '1hour', '5 minutes', '5m,30s', '5m30', 'PT5M'])(
    'refuses garbage: %j',
    (text) => {
      expect(parseDuration(text)).toBeNull()
    },
  )
})

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1499, '1s'],
    [1500, '2s'],
    [59_999, '1m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_601_000, '1h1s'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
    [90_061_000, '1d1h1m1s'],
    [604_800_000, '7d'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('round-trips through parseDuration for whole seconds', () => {
    for (const ms of [1000, 59_000, 61_000, 3_599_000, 3_600_000, 86_399_000, 90_061_000, 1_209_600_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  })
})
