import os from 'node:os'
import { UsageError, parseDuration } from 'circadian'
import { humanDuration, shortInstant } from '../format.js'
import type { Silence } from '../state/alert-state.js'
import { parseInstant } from './wall-time.js'

export interface SilenceFlags {
  for?: string
  until?: string
  'until-resolved'?: boolean
  reason?: string
}

/** Who is silencing: $USER, else the account's name. */
export function currentUser(): string {
  if (process.env.USER) return process.env.USER
  try {
    return os.userInfo().username
  } catch {
    return 'unknown'
  }
}

/** A silence made now by `by`: until an instant (epoch ms), or until the alert resolves (`until` null). */
export function newSilence(by: string, reason: string | undefined, now: number, until: number | null): Silence {
  const base = { v: 1 as const, by, reason: reason?.trim() || null, createdAt: new Date(now).toISOString() }
  return until === null
    ? { ...base, until: null, untilResolved: true }
    : { ...base, until: new Date(until).toISOString(), untilResolved: false }
}

/** Milliseconds of a silence's length ("30m", "2h", "1d"), or null when it is not a positive duration. */
export function silenceLength(text: string): number | null {
  const ms = parseDuration(text.trim())
  return ms === null || ms <= 0 ? null : ms
}

/** The silence the flags ask for; exactly one of --for, --until and --until-resolved. */
export function silenceFromFlags(flags: SilenceFlags, now: number, zone: string): Silence {
  const given = (['for', 'until', 'until-resolved'] as const).filter(
    (f) => flags[f] !== undefined && flags[f] !== false,
  )
  if (given.length !== 1) {
    throw new UsageError(
      given.length
        ? `give one of --for, --until and --until-resolved, not ${given.map((f) => `--${f}`).join(' and ')}`
        : 'say how long: --for 2h, --until 2026-12-01T09:00 or --until-resolved',
    )
  }
  if (flags['until-resolved']) return newSilence(currentUser(), flags.reason, now, null)
  if (flags.for !== undefined) {
    const ms = silenceLength(flags.for)
    if (ms === null) throw new UsageError(`--for "${flags.for}" is not a duration (write e.g. 30m, 2h, 1d)`)
    return newSilence(currentUser(), flags.reason, now, now + ms)
  }
  const at = parseInstant(flags.until!, zone)
  if (at === null)
    throw new UsageError(
      `--until "${flags.until}" is not an ISO date-time (write e.g. 2026-12-01T09:00 or 2026-12-01T09:00:00Z)`,
    )
  if (at <= now) throw new UsageError(`--until ${flags.until} is in the past`)
  return newSilence(currentUser(), flags.reason, now, at)
}

/** "Silenced revenue until 2026-11-23 18:00:11Z (2h) by ana: backfill running" */
export function describeSilence(job: string, silence: Silence, now: number): string {
  const until = silence.untilResolved
    ? 'until it resolves'
    : `until ${shortInstant(silence.until)} (${humanDuration(Date.parse(silence.until!) - now)})`
  return `Silenced ${job} ${until} by ${silence.by}${silence.reason ? `: ${silence.reason}` : ''}`
}
