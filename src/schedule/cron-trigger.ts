import { type CronExpression, nextMatchingWallTime } from './cron-expression.js'
import { findTransition, offsetAt } from './zone.js'

const DAY = 86_400_000
/** Longer than any DST shift in the tz database, so a repeated hour is always seen from its far end. */
const MAX_SHIFT = 3 * 3_600_000

/**
 * The first instant in (from, to] whose offset differs from `offset` (the offset at `from`), or null.
 * Probes once a day: no zone changes its offset twice within a day.
 */
function transitionWithin(zone: string, from: number, to: number, offset: number): number | null {
  let prev = from
  for (let probe = Math.min(from + DAY, to); ; probe = Math.min(probe + DAY, to)) {
    if (offsetAt(zone, probe) !== offset) return findTransition(zone, prev, probe)
    if (probe >= to) return null
    prev = probe
  }
}

/**
 * The next fire strictly after `after`, by Vixie cron's DST rule:
 * - a wildcard job (minute or hour field starts with `*`) fires at every real instant whose wall time
 *   matches: both passes of a repeated hour, nothing for wall times a gap skips;
 * - a fixed job fires once for a repeated wall time (its first pass), and once at the first instant after a
 *   gap for the matching wall times the gap swallowed.
 *
 * Real time is walked as segments of constant UTC offset; within a segment wall time and real time move
 * together, so one croner lookup finds the segment's next match.
 */
export function nextCronFire(expr: CronExpression, zone: string, after: number): number | null {
  return nextCronFireExplained(expr, zone, after)?.instant ?? null
}

/**
 * A fire and the rule that placed it: `regular` (its wall time happened, at `instant`) or `after-gap` (a fixed
 * job's wall time `wall` fell in a DST gap, so it fires at the first instant after the gap).
 */
export interface CronFire {
  instant: number
  /** The matching wall time (floating ms) this fire stands for. */
  wall: number
  rule: 'regular' | 'after-gap'
}

/** `nextCronFire`, saying which rule placed the fire: what `circadian explain` reports. */
export function nextCronFireExplained(expr: CronExpression, zone: string, after: number): CronFire | null {
  let offset = offsetAt(zone, after)
  let lowerBound = after // exclusive
  let segmentStart = -Infinity
  let previousOffset = offset
  if (!expr.wildcard) {
    const earlier = offsetAt(zone, after - MAX_SHIFT)
    if (earlier !== offset) {
      segmentStart = findTransition(zone, after - MAX_SHIFT, after)
      previousOffset = earlier
    }
  }

  for (let segments = 0; segments < 1000; segments++) {
    if (!expr.wildcard && previousOffset < offset && segmentStart > after) {
      // A gap opened at segmentStart: wall times [start+prev, start+offset) never happened.
      const swallowed = nextMatchingWallTime(expr, segmentStart + previousOffset - 1)
      if (swallowed !== null && swallowed < segmentStart + offset)
        return { instant: segmentStart, wall: swallowed, rule: 'after-gap' }
    }
    let minWall = lowerBound + offset
    if (!expr.wildcard && previousOffset > offset) {
      // A repeated stretch: wall times before start+previousOffset already fired in the first pass.
      minWall = Math.max(minWall, segmentStart + previousOffset - 1)
    }
    const wall = nextMatchingWallTime(expr, minWall)
    if (wall === null) return null
    const candidate = wall - offset
    const transition = transitionWithin(zone, Math.max(lowerBound, segmentStart), candidate, offset)
    if (transition === null) return { instant: candidate, wall, rule: 'regular' }
    previousOffset = offset
    offset = offsetAt(zone, transition)
    segmentStart = transition
    lowerBound = transition - 1
  }
  return null
}
