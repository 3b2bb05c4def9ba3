import { describe, expect, it } from 'vitest'
import { readOutcome } from '../src/contract/read-outcome.js'
import { QueryFailure, type QueryRows } from '../src/query/query-failure.js'
import { fromBigInt, fromDecimalText, toJsonValue } from '../src/query/values.js'

function rows(columns: string[], ...values: unknown[][]): QueryRows {
  return { columns, rows: values.map((v) => Object.fromEntries(columns.map((c, i) => [c, v[i]]))), truncated: false }
}

function failureOf(fn: () => unknown): QueryFailure {
  try {
    fn()
  } catch (err) {
    if (err instanceof QueryFailure) return err
    throw err
  }
  throw new Error('expected a QueryFailure')
}

describe("SQL Sentinel's query contract", () => {
  it('reads ALERT with actual_value, threshold and every other column as context', () => {
    const outcome = readOutcome(
      rows(['status', 'actual_value', 'threshold', 'orders', 'region'], ['ALERT', 8200, 10000, 12, 'eu']),
      1000,
    )
    expect(outcome).toEqual({
      status: 'ALERT',
      actual_value: 8200,
      threshold: 10000,
      context: { orders: 12, region: 'eu' },
    })
  })

  it('accepts the status in any case and with surrounding spaces, and column names in any case', () => {
    expect(readOutcome(rows(['STATUS', 'Actual_Value'], [' ok ', 3]), 10)).toEqual({
      status: 'OK',
      actual_value: 3,
      threshold: null,
      context: {},
    })
    expect(readOutcome(rows(['Status'], ['Alert']), 10).status).toBe('ALERT')
  })

  it('leaves actual_value and threshold null when the query has neither', () => {
    expect(readOutcome(rows(['status'], ['OK']), 10)).toEqual({
      status: 'OK',
      actual_value: null,
      threshold: null,
      context: {},
    })
  })

  it('is an ERROR when the query returns no rows', () => {
    const f = failureOf(() => readOutcome(rows(['status']), 10))
    expect(f.kind).toBe('no-rows')
    expect(f.message).toMatch(/^query returned no rows/)
  })

  it('is an ERROR when the query returns more than one row, saying how many', () => {
    const f = failureOf(() => readOutcome(rows(['status'], ['OK'], ['OK'], ['ALERT']), 10))
    expect(f.kind).toBe('too-many-rows')
    expect(f.message).toMatch(/^query returned 3 rows/)
  })

  it('is an ERROR naming maxRows when reading stopped there', () => {
    const f = failureOf(() => readOutcome({ ...rows(['status'], ['OK'], ['OK']), truncated: true }, 2))
    expect(f.kind).toBe('too-many-rows')
    expect(f.message).toMatch(/more than 2 rows \(maxRows/)
  })

  it('is an ERROR when there is no status column, listing the columns', () => {
    const f = failureOf(() => readOutcome(rows(['state', 'n'], ['ALERT', 1]), 10))
    expect(f.kind).toBe('missing-status')
    expect(f.message).toMatch(/no status column \(columns: state, n\)/)
  })

  it.each([
    ['WARN', '"WARN"'],
    [null, 'NULL'],
    [1, '1 (a number)'],
    [true, 'true (a boolean)'],
  ])('is an ERROR when status is %j', (value, shown) => {
    const f = failureOf(() => readOutcome(rows(['status'], [value]), 10))
    expect(f.kind).toBe('bad-status')
    expect(f.message).toBe(`status is ${shown}; it must be 'ALERT' or 'OK' (any case)`)
  })
})

describe('JSON-safe values', () => {
  it('turns decimal text into a number only when that is exact', () => {
    expect(fromDecimalText('1.50')).toBe(1.5)
    expect(fromDecimalText('10000')).toBe(10000)
    expect(fromDecimalText('-0.25')).toBe(-0.25)
    expect(fromDecimalText('0.000')).toBe(0)
    expect(fromDecimalText('12345678901234567890.12')).toBe('12345678901234567890.12')
    expect(fromDecimalText('0.1000000000000000055511151231257827')).toBe('0.1000000000000000055511151231257827')
  })

  it('keeps 64-bit integers exact: a number when safe, else decimal text', () => {
    expect(fromBigInt(42n)).toBe(42)
    expect(fromBigInt('9007199254740991')).toBe(9007199254740991)
    expect(fromBigInt('9007199254740993')).toBe('9007199254740993')
    expect(fromBigInt(-9007199254740993n)).toBe('-9007199254740993')
  })

  it('writes dates as ISO instants and bytes as base64', () => {
    expect(toJsonValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000Z')
    expect(toJsonValue(Buffer.from('hi'))).toBe('aGk=')
    expect(toJsonValue({ a: [1n, Number.NaN] })).toEqual({ a: [1, 'NaN'] })
  })
})
