import { Flags } from '@oclif/core'
import { formatInZone } from '../../schedule/zone.js'

/**
 * The one rule for times in text output: an instant is written as wall time in a zone with that zone's UTC
 * offset, `2026-12-07 02:00:00 +01:00`. A job's times are in the job's zone; times that belong to no job
 * (instances, breakers) in the config's zone. `--utc` writes every time in UTC (`+00:00`). `--json` is not
 * affected: it keeps ISO 8601 UTC (`2026-12-07T01:00:00.000Z`).
 */
export const utcFlag = Flags.boolean({
  description: "Print times in UTC (default: in each job's time zone, with its offset).",
})

export interface TimeZoneChoice {
  /** The config's zone, for times that belong to no job. */
  zone: string
  /** Each job's zone (jobs not in the config use the config's). */
  jobZones?: ReadonlyMap<string, string>
  utc?: boolean
}

/** `-` for a missing time; anything that is not a time is returned as it is. */
export function formatTime(value: string | number | null | undefined, zone: string, utc = false): string {
  if (value === null || value === undefined || value === '') return '-'
  const instant = typeof value === 'number' ? value : Date.parse(value)
  if (Number.isNaN(instant)) return String(value)
  return formatInZone(utc ? 'UTC' : zone, instant)
}

/** A formatter bound to a config's zones: `at(time)` for times of no job, `forJob(job, time)` for a job's. */
export function timeFormatter(choice: TimeZoneChoice) {
  return {
    at: (value: string | number | null | undefined) => formatTime(value, choice.zone, choice.utc),
    forJob: (job: string, value: string | number | null | undefined) =>
      formatTime(value, choice.jobZones?.get(job) ?? choice.zone, choice.utc),
  }
}

export type TimeFormatter = ReturnType<typeof timeFormatter>

/** The zones of a validated config (or of none, when only the state settings could be read: UTC). */
export function zonesOf(
  config: { timezone: string; jobs: ReadonlyMap<string, { timezone: string }> } | null,
  utc: boolean,
): TimeFormatter {
  if (!config) return timeFormatter({ zone: 'UTC', utc })
  return timeFormatter({
    zone: config.timezone,
    jobZones: new Map([...config.jobs].map(([name, job]) => [name, job.timezone])),
    utc,
  })
}
