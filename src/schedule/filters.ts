import type { DaysOfWeek, TimeWindow } from '../config/schema/windows.js'
import type { HolidayCheck } from './holidays.js'
import type { Trigger } from './trigger.js'
import { instantsOfWallTime, offsetAt, wallTimeOf } from './zone.js'

const DAY = 86_400_000
const MINUTE = 60_000
/** A filtered trigger gives up (never fires again) after this many candidate fires or this far ahead. */
const MAX_CANDIDATES = 100_000
const HORIZON = 10 * 366 * DAY

/** Why a filter rejected a fire, and from which instant the next acceptable fire may be. */
export interface FilterRejection {
  /** The job key that rejected it. */
  rule: 'between' | 'days' | 'calendar.skip' | 'calendar.holidays'
  detail: string
  /** An instant not after the next one that could be acceptable. */
  resumeAt: number
  /** The local date (YYYY-MM-DD) of the rejected fire, and for holidays the calendar and the holiday's name. */
  date: string
  holiday?: { calendar: string; name: string }
}

/** Accepts or rejects a fire. */
export interface FireFilter {
  /** null when `instant` is acceptable; otherwise why not. The scheduler and `explain` both ask this. */
  check(instant: number): FilterRejection | null
  /** null when `instant` is acceptable; otherwise an instant not after the next one that could be. */
  resumeAt(instant: number): number | null
}

function filter(check: FireFilter['check']): FireFilter {
  return { check, resumeAt: (instant) => check(instant)?.resumeAt ?? null }
}

/** The first real instant at or after the local wall time `wall` (a wall time in a DST gap maps to the gap's end). */
function instantAtOrAfterWall(zone: string, wall: number): number {
  const instants = instantsOfWallTime(zone, wall)
  if (instants.length) return instants[0]
  return wall - offsetAt(zone, wall + DAY)
}

const startOfLocalDay = (wall: number) => Math.floor(wall / DAY) * DAY
const localDate = (wall: number) => new Date(wall).toISOString().slice(0, 10)
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** Fires whose local time of day falls in [from, to), wrapping midnight when to <= from. */
export function betweenFilter(window: TimeWindow, zone: string): FireFilter {
  const inWindow = (minute: number) =>
    window.from < window.to ? minute >= window.from && minute < window.to : minute >= window.from || minute < window.to
  return filter((instant) => {
    const wall = wallTimeOf(zone, instant)
    const day = startOfLocalDay(wall)
    const minute = Math.floor((wall - day) / MINUTE)
    if (inWindow(minute)) return null
    // Outside: the window opens next at `from`, today or tomorrow.
    const open = minute < window.from ? day + window.from * MINUTE : day + DAY + window.from * MINUTE
    const local = new Date(wall).toISOString().slice(11, 16)
    return {
      rule: 'between',
      detail: `${local} is outside the window ${window.text}`,
      resumeAt: instantAtOrAfterWall(zone, open),
      date: localDate(wall),
    }
  })
}

/** Fires on these local weekdays only (0 = Sunday). */
export function daysFilter(days: DaysOfWeek, zone: string): FireFilter {
  const allowed = new Set(days.days)
  return filter((instant) => {
    const wall = wallTimeOf(zone, instant)
    const weekday = new Date(wall).getUTCDay()
    if (allowed.has(weekday)) return null
    return {
      rule: 'days',
      detail: `${WEEKDAYS[weekday]} ${localDate(wall)} is not one of the days ${days.text}`,
      resumeAt: instantAtOrAfterWall(zone, startOfLocalDay(wall) + DAY),
      date: localDate(wall),
    }
  })
}

/** No fires on these local dates (skip list and/or the public holidays of `calendar`, e.g. 'DE-BY'). */
export function calendarFilter(
  skip: readonly string[],
  isHoliday: HolidayCheck | null,
  zone: string,
  calendar = '',
): FireFilter {
  const skipped = new Set(skip)
  return filter((instant) => {
    const wall = wallTimeOf(zone, instant)
    const date = localDate(wall)
    const resumeAt = () => instantAtOrAfterWall(zone, startOfLocalDay(wall) + DAY)
    if (skipped.has(date))
      return { rule: 'calendar.skip', detail: `${date} is in calendar.skip`, resumeAt: resumeAt(), date }
    const holiday = isHoliday?.(date)
    if (!holiday) return null
    return {
      rule: 'calendar.holidays',
      detail: `${date} is a public holiday in ${calendar}: ${holiday}`,
      resumeAt: resumeAt(),
      date,
      holiday: { calendar, name: holiday },
    }
  })
}

/** A trigger whose fires must pass every filter. A rejected fire makes the search jump ahead, not step. */
export function filteredTrigger(base: Trigger, filters: FireFilter[]): Trigger {
  if (!filters.length) return base
  /** The first fire after `after` that every filter accepts; `onReject` hears each candidate turned down and why. */
  const next = (after: number, onReject?: (candidate: number, rejection: FilterRejection) => void): number | null => {
    let candidate = base.next(after)
    for (let i = 0; candidate !== null && i < MAX_CANDIDATES && candidate - after < HORIZON; i++) {
      let rejection: FilterRejection | null = null
      for (const f of filters) {
        rejection = f.check(candidate)
        if (rejection !== null) break
      }
      if (rejection === null) return candidate
      onReject?.(candidate, rejection)
      candidate = base.next(Math.max(candidate, rejection.resumeAt - 1))
    }
    return null
  }
  return { kind: base.kind, text: base.text, next: (after) => next(after), filtered: { base, filters, next } }
}
