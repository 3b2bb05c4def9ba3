import { type FireFilter, betweenFilter, calendarFilter, daysFilter, filteredTrigger } from '../schedule/filters.js'
import { holidayCalendar } from '../schedule/holidays.js'
import { type Trigger, cronTrigger, intervalTrigger, onceTrigger } from '../schedule/trigger.js'
import { formatDuration } from '../schedule/duration.js'
import { instantsOfWallTime, offsetAt } from '../schedule/zone.js'
import type { CoreJob } from './schema/job.js'

/** An ISO date-time with an offset is an instant; without one it is a wall time in `zone`. */
export function parseInstant(text: string, zone: string): number {
  const iso = text.replace(' ', 'T')
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) return Date.parse(iso)
  const wall = Date.parse(`${iso}Z`)
  const instants = instantsOfWallTime(zone, wall)
  if (instants.length) return instants[0]
  // A wall time inside a DST gap moves forward by the gap's length (as Temporal's 'compatible' does).
  return wall - offsetAt(zone, wall - 86_400_000)
}

const TIME_FLAG = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i

/**
 * A time given on the command line (`next --from`, `explain --at`): ISO with an offset is an instant; without
 * one it is a wall time in `zone` (a date alone is its midnight). `wall` is that wall time (floating ms), null
 * when an offset was given. 'format' when the text is not ISO; 'invalid' when it is not a real date-time.
 */
export function parseTimeFlag(
  text: string,
  zone: string,
): { instant: number; wall: number | null } | 'format' | 'invalid' {
  if (!TIME_FLAG.test(text)) return 'format'
  const full = (text.length === 10 ? `${text}T00:00:00` : text).replace(' ', 'T')
  const instant = parseInstant(full, zone)
  if (Number.isNaN(instant)) return 'invalid'
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(full)
  return { instant, wall: hasOffset ? null : Date.parse(`${full}Z`) }
}

function baseTrigger(core: CoreJob, zone: string): Trigger | null {
  if (core.schedule !== undefined) return cronTrigger(core.schedule, zone)
  if (core.every !== undefined) return intervalTrigger(core.every, `every ${formatDuration(core.every)}`)
  if (core.at !== undefined) return onceTrigger(parseInstant(core.at, zone), `at ${core.at}`)
  return null
}

/** The job's fires: its schedule, narrowed by `between`, `days` and `calendar` (in the job's zone). */
export function buildTrigger(core: CoreJob, zone: string): Trigger | null {
  const base = baseTrigger(core, zone)
  if (!base) return null
  const filters: FireFilter[] = []
  if (core.between) filters.push(betweenFilter(core.between, zone))
  if (core.days) filters.push(daysFilter(core.days, zone))
  if (core.calendar)
    filters.push(
      calendarFilter(
        core.calendar.skip ?? [],
        core.calendar.holidays ? holidayCalendar(core.calendar.holidays) : null,
        zone,
        core.calendar.holidays?.toUpperCase(),
      ),
    )
  const qualifiers = [
    core.between?.text,
    core.days?.text,
    core.calendar?.holidays && `not on ${core.calendar.holidays.toUpperCase()} holidays`,
    core.calendar?.skip?.length && `${core.calendar.skip.length} dates skipped`,
  ].filter(Boolean)
  const trigger = filteredTrigger(base, filters)
  return qualifiers.length ? { ...trigger, text: `${base.text} (${qualifiers.join(', ')})` } : trigger
}
