import { describe, expect, it } from 'vitest'
import { optionalInstant } from '../src/import/dates.js'
import { FEEDS } from '../src/import/feeds/index.js'
import { columnName, matchHeader } from '../src/import/header.js'
import { RowRejected } from '../src/import/row-rejected.js'
import {
  annualAmount,
  displayText,
  employmentType,
  optionalAmount,
  optionalBoolean,
  optionalCoordinates,
  salaryPeriod,
} from '../src/import/values.js'
import { splitKeywords } from '../src/text/normalize.js'

const rejectReason = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    if (err instanceof RowRejected) return err.message
    throw err
  }
  throw new Error('expected the row to be rejected')
}

describe('amounts as partners write them', () => {
  it.each([
    ['3500000', 3_500_000],
    ['3,500,000', 3_500_000],
    ['¥3,500,000', 3_500_000],
    ['３５０００００', 3_500_000],
    ['350万', 3_500_000],
    ['350万円', 3_500_000],
    ['1,200円', 1200],
    ['', null],
    ['  ', null],
  ])('%j is %j', (text, value) => expect(optionalAmount(text, 'salary_min')).toBe(value))

  it.each(['abc', '応相談', '-100', '3.5', '1e6', '12,34a'])('%j is rejected', (text) => {
    expect(rejectReason(() => optionalAmount(text, 'salary_min'))).toMatch(
      /^salary_min ".*" is not (an amount|a whole number)/,
    )
  })

  it('refuses amounts beyond 32-bit columns', () => {
    expect(rejectReason(() => optionalAmount('3000000000', 'fee'))).toMatch(/too large/)
    expect(rejectReason(() => annualAmount(2_000_000, 'hour', 'salary_max'))).toMatch(/too large/)
  })
})

describe('salary periods', () => {
  it.each([
    ['', 'year'],
    ['年収', 'year'],
    ['Monthly', 'month'],
    ['月給', 'month'],
    ['日給', 'day'],
    ['時給', 'hour'],
    ['hour', 'hour'],
  ])('%j is %s', (text, period) => expect(salaryPeriod(text, 'salary_period')).toBe(period))

  it('annualizes: 12 months, 250 days, 2,000 hours', () => {
    expect(annualAmount(300_000, 'month', 'x')).toBe(3_600_000)
    expect(annualAmount(12_000, 'day', 'x')).toBe(3_000_000)
    expect(annualAmount(1_500, 'hour', 'x')).toBe(3_000_000)
  })

  it('rejects an unknown period', () =>
    expect(rejectReason(() => salaryPeriod('weekly', 'salary_period'))).toMatch(/not a salary period/))
})

describe('yes/no, coordinates, employment types, text', () => {
  it('reads yes/no the common ways', () => {
    for (const t of ['1', 'true', 'YES', 'y', '○', '◯']) expect(optionalBoolean(t, 'editorial_pick')).toBe(true)
    for (const t of ['', '0', 'false', 'no', '×', '-']) expect(optionalBoolean(t, 'editorial_pick')).toBe(false)
    expect(rejectReason(() => optionalBoolean('maybe', 'editorial_pick'))).toMatch(/not a yes\/no value/)
  })

  it('takes both coordinates or neither, in range', () => {
    expect(optionalCoordinates('35.68', '139.69')).toEqual({ latitude: 35.68, longitude: 139.69 })
    expect(optionalCoordinates('', '')).toEqual({ latitude: null, longitude: null })
    expect(rejectReason(() => optionalCoordinates('35.68', ''))).toBe('latitude is given without longitude')
    expect(rejectReason(() => optionalCoordinates('95', '139'))).toMatch(/latitude 95 is out of range/)
    expect(rejectReason(() => optionalCoordinates('north', '139'))).toMatch(/is not a number/)
  })

  it('compares employment types by meaning', () => {
    expect(employmentType('正社員')).toBe('full_time')
    expect(employmentType('Full-Time')).toBe('full_time')
    expect(employmentType('ｱﾙﾊﾞｲﾄ')).toBe('part_time')
    expect(employmentType('派遣社員')).toBe('temporary')
    expect(employmentType('Seasonal Work')).toBe('seasonal_work')
  })

  it('keeps display text as written, folds line breaks', () => {
    expect(displayText('  看護師 ㈱①\r\n夜勤あり ')).toBe('看護師 ㈱① 夜勤あり')
  })

  it('splits keywords on spaces, commas, 、 and ・, unique and lowercase', () => {
    expect(splitKeywords('Java、ＡＷＳ, リモート・java　SQL')).toEqual(['java', 'aws', 'リモート', 'sql'])
    expect(splitKeywords('')).toEqual([])
  })
})

describe('dates', () => {
  it('reads a date without an offset as a wall time in the feed zone', () => {
    expect(optionalInstant('2026/03/01 09:30', 'posted_at', 'Asia/Tokyo')).toBe('2026-03-01T00:30:00.000Z')
    expect(optionalInstant('2026-03-01', 'posted_at', 'Asia/Tokyo')).toBe('2026-02-28T15:00:00.000Z')
    expect(optionalInstant('2026-03-01', 'posted_at', 'UTC')).toBe('2026-03-01T00:00:00.000Z')
    expect(optionalInstant('2026-07-01 12:00', 'posted_at', 'Europe/Berlin')).toBe('2026-07-01T10:00:00.000Z')
  })

  it('honours an explicit offset', () => {
    expect(optionalInstant('2026-03-01T09:00:00+09:00', 'posted_at', 'UTC')).toBe('2026-03-01T00:00:00.000Z')
    expect(optionalInstant('2026-03-01T09:00:00Z', 'posted_at', 'Asia/Tokyo')).toBe('2026-03-01T09:00:00.000Z')
    expect(optionalInstant('2026-03-01 09:00:00.5-0130', 'posted_at', 'UTC')).toBe('2026-03-01T10:30:00.500Z')
  })

  it('rejects what is not a real date', () => {
    expect(rejectReason(() => optionalInstant('2026-02-30', 'posted_at', 'UTC'))).toMatch(/is not a real date/)
    expect(rejectReason(() => optionalInstant('2026-13-01', 'posted_at', 'UTC'))).toMatch(/is not a real date/)
    expect(rejectReason(() => optionalInstant('yesterday', 'posted_at', 'UTC'))).toMatch(/is not a date/)
    expect(optionalInstant('', 'posted_at', 'UTC')).toBeNull()
  })
})

describe('headers', () => {
  const spec = FEEDS.listings
  const required = spec.required as readonly string[]

  it('matches column names however they are cased, spaced or widened', () => {
    expect(columnName('\uFEFFSalary Min')).toBe('salary_min')
    expect(columnName('ＥＸＴＥＲＮＡＬ－ＩＤ')).toBe('external_id')
    const map = matchHeader([...required].reverse().concat(['internal_note']), spec, 'f.csv')
    expect(map.index.get('external_id')).toBe(required.length - 1)
    expect(map.ignored).toEqual(['internal_note'])
  })

  it('names the missing required columns', () => {
    expect(() =>
      matchHeader(['external_id', 'title', 'company_name', 'location', 'employment_type'], spec, 'feeds/a.csv'),
    ).toThrow('feeds/a.csv: wrong header for a listings feed: missing salary_min, salary_max, description')
  })

  it('refuses a column that appears twice', () => {
    expect(() => matchHeader([...required, 'title'], spec, 'f.csv')).toThrow(/column title appears more than once/)
  })
})
