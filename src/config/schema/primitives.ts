import { z } from 'zod'
import { CronSyntaxError, nextMatchingWallTime, parseCron } from '../../schedule/cron-expression.js'
import { parseDuration } from '../../schedule/duration.js'
import { isValidTimeZone } from '../../schedule/zone.js'
import { closest } from '../suggest.js'

/** A duration string ('30s', '5m', '1h30m'), parsed to milliseconds. */
export const duration = z
  .string({
    error: (issue) => (issue.input === undefined ? undefined : 'must be a duration string like "30s", "5m" or "1h"'),
  })
  .transform((text, ctx) => {
    const ms = parseDuration(text)
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (write e.g. 500ms, 30s, 5m, 1h, 2d)` })
      return z.NEVER
    }
    return ms
  })

let zoneNames: string[] | null = null
function allZoneNames(): string[] {
  zoneNames ??= [...Intl.supportedValuesOf('timeZone'), 'UTC']
  return zoneNames
}

export const timeZone = z.string().superRefine((zone, ctx) => {
  if (isValidTimeZone(zone)) return
  const guess = closest(zone, allZoneNames())
  ctx.addIssue({
    code: 'custom',
    message: `"${zone}" is not an IANA time zone${guess ? ` (did you mean "${guess}"?)` : ' (e.g. Europe/Berlin, America/New_York, UTC)'}`,
  })
})

/** Why a cron expression is unusable, or null; by text, since configs repeat a few schedules many times. */
const cronProblems = new Map<string, string | null>()

function cronProblem(text: string): string | null {
  let problem = cronProblems.get(text)
  if (problem === undefined) {
    try {
      problem =
        nextMatchingWallTime(parseCron(text), Date.UTC(2000, 0, 1)) === null
          ? `"${text}" never fires (no date matches it, e.g. 31 February)`
          : null
    } catch (err) {
      if (!(err instanceof CronSyntaxError)) throw err
      problem = `"${text}" is not a valid cron expression (${err.message})`
    }
    cronProblems.set(text, problem)
  }
  return problem
}

export const cronExpression = z.string().superRefine((text, ctx) => {
  const problem = cronProblem(text)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

/** An ISO 8601 date-time; without an offset it is read as wall time in the job's zone later. */
export const isoDateTime = z.string().superRefine((text, ctx) => {
  if (
    !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text) ||
    Number.isNaN(Date.parse(text.replace(' ', 'T')))
  ) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not an ISO date-time (write e.g. 2026-12-01T09:00:00Z)` })
  }
})

export const jobName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
  message: 'a job name may use letters, digits, "_", "-" and "." and must start with a letter or digit',
})
