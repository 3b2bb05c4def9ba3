import { redactThenTruncate } from 'circadian'
import { matchKey, normalizeText } from '../text/normalize.js'
import { RowRejected } from './row-rejected.js'

/** The largest whole number a feed value may hold: salaries and fees are stored as 32-bit integers. */
const MAX_AMOUNT = 2_000_000_000

/** A value quoted in a reject reason: redacted before it is cut, so a cut never leaves part of a secret. */
function show(text: string): string {
  return JSON.stringify(redactThenTruncate(text, 41))
}

/** Text shown to people keeps its characters (①, ㈱, half-width kana); only line breaks and tabs become spaces. */
export function displayText(value: string | undefined): string {
  return (value ?? '').replace(/[\r\n\t]+/g, ' ').trim()
}

export function requiredText(value: string | undefined, column: string): string {
  const text = displayText(value)
  if (!text) throw new RowRejected(`${column} is empty`)
  return text
}

export function optionalText(value: string | undefined): string | null {
  return displayText(value) || null
}

/**
 * A whole amount of yen as partners write it: `3500000`, `3,500,000`, `¥3,500,000`, `350万`, `350万円`,
 * full-width digits. Empty → null.
 */
export function optionalAmount(value: string | undefined, column: string): number | null {
  // The common case, plain ASCII digits: no normalizing, no patterns.
  const plain = value === undefined ? -1 : plainWholeNumber(value)
  if (plain !== -1 && plain <= MAX_AMOUNT) return plain
  const text = normalizeText(value ?? '').replace(/[,\s¥￥円]/g, '')
  if (!text) return null
  const man = text.endsWith('万')
  const digits = man ? text.slice(0, -1) : text
  if (!/^\d+(\.\d+)?$/.test(digits))
    throw new RowRejected(`${column} ${show(value ?? '')} is not an amount (a whole number such as 3500000 or 350万)`)
  const amount = Number(digits) * (man ? 10_000 : 1)
  if (!Number.isInteger(amount)) throw new RowRejected(`${column} ${show(value ?? '')} is not a whole number`)
  if (amount > MAX_AMOUNT) throw new RowRejected(`${column} ${show(value ?? '')} is too large (at most ${MAX_AMOUNT})`)
  return amount
}

/** `value` as a number when it is 1 to 15 ASCII digits and nothing else, or -1. */
function plainWholeNumber(value: string): number {
  const length = value.length
  if (length === 0 || length > 15) return -1
  let n = 0
  for (let i = 0; i < length; i++) {
    const digit = value.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return -1
    n = n * 10 + digit
  }
  return n
}

export function requiredAmount(value: string | undefined, column: string): number {
  const amount = optionalAmount(value, column)
  if (amount === null) throw new RowRejected(`${column} is empty`)
  return amount
}

export function optionalCount(value: string | undefined, column: string): number | null {
  const text = normalizeText(value ?? '').replace(/,/g, '')
  if (!text) return null
  if (!/^\d+$/.test(text) || Number(text) > MAX_AMOUNT)
    throw new RowRejected(`${column} ${show(value ?? '')} is not a whole number of at least 0`)
  return Number(text)
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 't', 'on', '○', '◯', '●', 'はい'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'f', 'off', '×', '✕', '-', 'いいえ'])

export function optionalBoolean(value: string | undefined, column: string): boolean {
  const text = matchKey(value ?? '')
  if (!text || FALSE_WORDS.has(text)) return false
  if (TRUE_WORDS.has(text)) return true
  throw new RowRejected(`${column} ${show(value ?? '')} is not a yes/no value (use 1/0, true/false or yes/no)`)
}

export function optionalNumber(value: string | undefined, column: string, min: number, max: number): number | null {
  const text = normalizeText(value ?? '')
  if (!text) return null
  const n = Number(text)
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) || !Number.isFinite(n))
    throw new RowRejected(`${column} ${show(value ?? '')} is not a number`)
  if (n < min || n > max) throw new RowRejected(`${column} ${text} is out of range (${min} to ${max})`)
  return n
}

/** Latitude and longitude: both or neither. */
export function optionalCoordinates(
  lat: string | undefined,
  lon: string | undefined,
): { latitude: number | null; longitude: number | null } {
  const latitude = optionalNumber(lat, 'latitude', -90, 90)
  const longitude = optionalNumber(lon, 'longitude', -180, 180)
  if ((latitude === null) !== (longitude === null))
    throw new RowRejected(
      latitude === null ? 'longitude is given without latitude' : 'latitude is given without longitude',
    )
  return { latitude, longitude }
}

const PERIODS: Record<string, 'year' | 'month' | 'day' | 'hour'> = {
  year: 'year',
  yearly: 'year',
  annual: 'year',
  annually: 'year',
  y: 'year',
  年: 'year',
  年収: 'year',
  年俸: 'year',
  年給: 'year',
  month: 'month',
  monthly: 'month',
  m: 'month',
  月: 'month',
  月給: 'month',
  月収: 'month',
  day: 'day',
  daily: 'day',
  d: 'day',
  日: 'day',
  日給: 'day',
  日当: 'day',
  hour: 'hour',
  hourly: 'hour',
  h: 'hour',
  時: 'hour',
  時給: 'hour',
}

/** How a salary converts to a year: 12 months, 250 working days, 2,000 working hours. */
export const ANNUAL_FACTOR = { year: 1, month: 12, day: 250, hour: 2000 } as const

export type SalaryPeriod = keyof typeof ANNUAL_FACTOR

export function salaryPeriod(value: string | undefined, column: string): SalaryPeriod {
  const text = matchKey(value ?? '')
  if (!text) return 'year'
  const period = PERIODS[text]
  if (!period)
    throw new RowRejected(
      `${column} ${show(value ?? '')} is not a salary period (year, month, day or hour; 年収, 月給, 日給 or 時給)`,
    )
  return period
}

export function annualAmount(amount: number, period: SalaryPeriod, column: string): number {
  const annual = amount * ANNUAL_FACTOR[period]
  if (annual > MAX_AMOUNT) throw new RowRejected(`${column} ${amount} per ${period} is too large`)
  return annual
}

const EMPLOYMENT_TYPES: Record<string, string> = {
  full_time: 'full_time',
  fulltime: 'full_time',
  permanent: 'full_time',
  regular: 'full_time',
  正社員: 'full_time',
  正職員: 'full_time',
  part_time: 'part_time',
  parttime: 'part_time',
  パート: 'part_time',
  アルバイト: 'part_time',
  'アルバイト・パート': 'part_time',
  'パート・アルバイト': 'part_time',
  バイト: 'part_time',
  contract: 'contract',
  contractor: 'contract',
  契約社員: 'contract',
  契約: 'contract',
  嘱託: 'contract',
  temporary: 'temporary',
  temp: 'temporary',
  dispatch: 'temporary',
  派遣: 'temporary',
  派遣社員: 'temporary',
  freelance: 'freelance',
  業務委託: 'freelance',
  フリーランス: 'freelance',
  internship: 'internship',
  intern: 'internship',
  インターン: 'internship',
  インターンシップ: 'internship',
}

/**
 * Employment types compare by meaning: `full-time`, `Full Time`, `正社員` are all `full_time`. Values this
 * list does not know are kept (normalized), so a feed with its own vocabulary still matches itself.
 */
export function employmentType(value: string): string {
  const key = matchKey(value).replace(/[\s-]+/g, '_')
  return EMPLOYMENT_TYPES[key] ?? key
}
