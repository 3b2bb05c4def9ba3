import type { DaysOfWeek, TimeWindow } from '../config/schema/windows.js'
import type { HolidayCheck } from './holidays.js'
import type { Trigger } from './trigger.js'
import { instantsOfWallTime, offsetAt, wallTimeOf } from './zone.js'

const DAY = 86_400_000
const MINUTE = 60_000
/** A filtered trigger gives up (never fires again) after this many candidate fires or this far ahead. */
const MAX_CANDIDATES = 100_000
const HORIZON = 10 * 366 * DAY

/** Accepts or rejects a fire; when it rejects, says from which instant the next acceptable fire may be. */
export interface FireFilter {
  /** null when `instant` is acceptable; otherwise an instant not after the next one that could be. */
  resumeAt(instant: number): number | null
}

/** The first real instant at or after the local wall time `wall` (a wall time in a DST gap maps to the gap's end). */
function instantAtOrAfterWall(zone: string, wall: number): number {
  const instants = instantsOfWallTime(zone, wall)
  if (instants.length) return instants[0]
  return wall - offsetAt(zone, wall + DAY)
}

const startOfLocalDay = (wall: number) => Math.floor(wall / DAY) * DAY
const localDate = (wall: number) => new Date(wall).toISOString().slice(0, 10)

/** Fires whose local time of day falls in [from, to), wrapping midnight when to <= from. */
export function betweenFilter(window: TimeWindow, zone: string): FireFilter {
  const inWindow = (minute: number) => (window.from < window.to ? minute >= window.from && minute < window.to : minute >= window.from || minute < window.to)
  return {
    resumeAt(instant) {
      const wall = wallTimeOf(zone, instant)
      const day = startOfLocalDay(wall)
      const minute = Math.floor((wall - day) / MINUTE)
      if (inWindow(minute)) return null
      // Outside: the window opens next at `from`, today or tomorrow.
      const open = minute < window.from ? day + window.from * MINUTE : day + DAY + window.from * MINUTE
      return instantAtOrAfterWall(zone, open)
    },
  }
}

/** Fires on these local weekdays only (0 = Sunday). */
export function daysFilter(days: DaysOfWeek, zone: string): FireFilter {
  const allowed = new Set(days.days)
  return {
    resumeAt(instant) {
      const wall = wallTimeOf(zone, instant)
      if (allowed.has(new Date(wall).getUTCDay())) return null
      return instantAtOrAfterWall(zone, startOfLocalDay(wall) + DAY)
    },
  }
}

/** No fires on these local dates (skip list and/or public holidays). */
export function calendarFilter(skip: readonly string[], isHoliday: HolidayCheck | null, zone: string): FireFilter {
  const skipped = new Set(skip)
  return {
    resumeAt(instant) {
      const wall = wallTimeOf(zone, instant)
      const date = localDate(wall)
      if (!skipped.has(date) && !isHoliday?.(date)) return null
      return instantAtOrAfterWall(zone, startOfLocalDay(wall) + DAY)
    },
  }
}

/** A trigger whose fires must pass every filter. A rejected fire makes the search jump ahead, not step. */
export function filteredTrigger(base: Trigger, filters: FireFilter[]): Trigger {
  if (!filters.length) return base
  return {
    kind: base.kind,
    text: base.text,
    next(after) {
      let candidate = base.next(after)
      for (let i = 0; candidate !== null && i < MAX_CANDIDATES && candidate - after < HORIZON; i++) {
        let resume: number | null = null
        for (const f of filters) {
          resume = f.resumeAt(candidate)
          if (resume !== null) break
        }
        if (resume === null) return candidate
        candidate = base.next(Math.max(candidate, resume - 1))
      }
      return null
    },
  }
}
