import os from 'node:os'
import { UsageError, parseDuration } from 'circadian'
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

/** The silence the flags ask for; exactly one of --for, --until and --until-resolved. */
export function silenceFromFlags(flags: SilenceFlags, now: number, zone: string): Silence {
  const given = (['for', 'until', 'until-resolved'] as const).filter((f) => flags[f] !== undefined && flags[f] !== false)
  if (given.length !== 1) {
    throw new UsageError(given.length ? `give one of --for, --until and --until-resolved, not ${given.map((f) => `--${f}`).join(' and ')}` : 'say how long: --for 2h, --until 2026-12-01T09:00 or --until-resolved')
  }
  const base = { v: 1 as const, by: currentUser(), reason: flags.reason?.trim() || null, createdAt: new Date(now).toISOString() }
  if (flags['until-resolved']) return { ...base, until: null, untilResolved: true }
  let until: number
  if (flags.for !== undefined) {
    const ms = parseDuration(flags.for)
    if (ms === null || ms <= 0) throw new UsageError(`--for "${flags.for}" is not a duration (write e.g. 30m, 2h, 1d)`)
    until = now + ms
  } else {
    const at = parseInstant(flags.until!, zone)
    if (at === null) throw new UsageError(`--until "${flags.until}" is not an ISO date-time (write e.g. 2026-12-01T09:00 or 2026-12-01T09:00:00Z)`)
    if (at <= now) throw new UsageError(`--until ${flags.until} is in the past`)
    until = at
  }
  return { ...base, until: new Date(until).toISOString(), untilResolved: false }
}
