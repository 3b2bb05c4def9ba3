export type CatchUpPolicy = 'none' | 'latest' | 'all'

export interface CatchUpRules {
  catchUp: CatchUpPolicy
  maxCatchUp: number
  misfireGrace: number
}

export interface CatchUpDecision {
  /** Occurrences to run on time (started within misfireGrace of their scheduled instant). */
  onTime: number[]
  /** Late occurrences to run anyway, as catch-up runs. */
  catchUp: number[]
  /** Late occurrences not run: recorded as `missed`. */
  missed: number[]
}

/** Within misfireGrace of when it was due to start (its instant plus its jitter): it runs on time. */
export const isOnTime = (dueAt: number, now: number, misfireGrace: number): boolean => now - dueAt <= misfireGrace

/**
 * What to do with occurrences that fell due (all ≤ now, ascending). On-time ones always run. Late ones
 * follow the policy: `none` runs none of them; `latest` runs the most recent late one unless a newer
 * occurrence is on time; `all` runs the most recent `maxCatchUp`. Every late occurrence not run is missed.
 */
export function decideCatchUp(
  due: readonly number[],
  now: number,
  rules: CatchUpRules,
  dueAt: (occurrence: number) => number = (o) => o,
): CatchUpDecision {
  const onTime = due.filter((o) => isOnTime(dueAt(o), now, rules.misfireGrace))
  const late = due.filter((o) => !isOnTime(dueAt(o), now, rules.misfireGrace))
  let catchUp: number[] = []
  if (rules.catchUp === 'latest' && late.length && !onTime.length) catchUp = [late[late.length - 1]]
  else if (rules.catchUp === 'all') catchUp = late.slice(-rules.maxCatchUp)
  const running = new Set(catchUp)
  return { onTime, catchUp, missed: late.filter((o) => !running.has(o)) }
}

/** Occurrences in (after, until], ascending, at most `limit` (the earliest); `truncated` when there were more. */
export function occurrencesBetween(
  next: (after: number) => number | null,
  after: number,
  until: number,
  limit: number,
): { occurrences: number[]; truncated: boolean } {
  const occurrences: number[] = []
  let cursor = after
  for (;;) {
    const o = next(cursor)
    if (o === null || o > until) return { occurrences, truncated: false }
    if (occurrences.length >= limit) return { occurrences, truncated: true }
    occurrences.push(o)
    cursor = o
  }
}

/** Looked back this far, in turn, for the latest occurrence before an instant. */
const LOOKBACK = [60_000, 3_600_000, 86_400_000, 32 * 86_400_000, 367 * 86_400_000]

/** The latest occurrence at or before `now`, or null (searching back at most about a year). */
export function latestOccurrence(trigger: { next(after: number): number | null }, now: number): number | null {
  for (const back of LOOKBACK) {
    const { occurrences } = occurrencesBetween((t) => trigger.next(t), now - back, now, 100_000)
    if (occurrences.length) return occurrences[occurrences.length - 1]
  }
  return null
}
