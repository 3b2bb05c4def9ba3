import { normalizeText } from '../text/normalize.js'
import { RowRejected } from './row-rejected.js'

// 2026-03-01, 2026/3/1, 2026-03-01 09:30, 2026-03-01T09:30:15.250+09:00, 2026/03/01 9:30:00Z
const DATE_TIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

const ISO_INSTANT =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,3})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/

/** The day exists in its month (Date would roll 2026-02-30 over to March 2). */
function realDay(iso: string): boolean {
  const year = Number(iso.slice(0, 4))
  const month = Number(iso.slice(5, 7))
  const day = Number(iso.slice(8, 10))
  return (
    day <=
    (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : DAYS_IN_MONTH[month - 1])
  )
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset from UTC (ms) at an instant. */
function zoneOffset(instant: number, zone: string): number {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, f)
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]))
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** A wall time in `zone` as an instant (the earlier one when a DST change repeats it). */
function wallTimeToInstant(wall: number, zone: string): number {
  const first = wall - zoneOffset(wall, zone)
  const second = wall - zoneOffset(first, zone)
  return Math.min(first, second)
}

/**
 * A date or date-time from a feed as an ISO instant (UTC). Without an offset it is a wall time in `zone`
 * (the job's `feedTimezone`); a date alone is midnight there.
 */
export function optionalInstant(value: string | undefined, column: string, zone: string): string | null {
  if (!value) return null
  // The common case, already an ISO instant: 2026-03-01T09:00:00Z or with an offset.
  if (ISO_INSTANT.test(value) && realDay(value)) {
    // Already in toISOString's form (UTC, milliseconds): nothing to convert.
    return value.length === 24 && value.charCodeAt(19) === 46 && value.charCodeAt(23) === 90
      ? value
      : new Date(value).toISOString()
  }
  const text = normalizeText(value)
  if (!text) return null
  const m = DATE_TIME.exec(text)
  if (!m)
    throw new RowRejected(
      `${column} ${JSON.stringify(text)} is not a date (use 2026-03-01, 2026/03/01 or 2026-03-01T09:00:00+09:00)`,
    )
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', offset] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const wall = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, '0')))
  const check = new Date(wall)
  if (
    month < 1 ||
    month > 12 ||
    check.getUTCDate() !== day ||
    check.getUTCMonth() !== month - 1 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new RowRejected(`${column} ${JSON.stringify(text)} is not a real date`)
  }
  let instant: number
  if (!offset) instant = wallTimeToInstant(wall, zone)
  else if (offset.toUpperCase() === 'Z') instant = wall
  else {
    const sign = offset.startsWith('-') ? -1 : 1
    const digits = offset.slice(1).replace(':', '')
    instant = wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
  }
  return new Date(instant).toISOString()
}

export function requiredInstant(value: string | undefined, column: string, zone: string): string {
  const instant = optionalInstant(value, column, zone)
  if (instant === null) throw new RowRejected(`${column} is empty`)
  return instant
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
