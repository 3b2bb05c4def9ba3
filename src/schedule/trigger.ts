import { type CronExpression, parseCron } from './cron-expression.js'
import { nextCronFire } from './cron-trigger.js'
import type { FilterRejection, FireFilter } from './filters.js'

/** When a job fires, independent of any store or clock: `next(after)` is the first fire strictly after. */
export interface Trigger {
  kind: 'cron' | 'interval' | 'once'
  /** The schedule as the user wrote it ('0 9 * * 1-5', 'every 5m', 'at 2026-01-01T00:00:00Z'). */
  text: string
  next(after: number): number | null
  /** What decides the fires, for `circadian explain`: the cron expression and zone of a cron trigger. */
  cron?: { expr: CronExpression; zone: string }
  /** A filtered trigger: its base trigger and filters, and `next` reporting each rejected candidate. */
  filtered?: {
    base: Trigger
    filters: readonly FireFilter[]
    next(after: number, onReject: (candidate: number, rejection: FilterRejection) => void): number | null
  }
}

export function cronTrigger(expression: string | CronExpression, zone: string): Trigger {
  const expr = typeof expression === 'string' ? parseCron(expression) : expression
  return { kind: 'cron', text: expr.source, next: (after) => nextCronFire(expr, zone, after), cron: { expr, zone } }
}

/**
 * Fires at anchor + k·interval. The anchor is fixed (the Unix epoch unless given), not the process start,
 * so restarts and several instances agree on every fire instant.
 */
export function intervalTrigger(intervalMs: number, text: string, anchor = 0): Trigger {
  return {
    kind: 'interval',
    text,
    next(after) {
      const k = Math.floor((after - anchor) / intervalMs) + 1
      return anchor + k * intervalMs
    },
  }
}

export function onceTrigger(at: number, text: string): Trigger {
  return { kind: 'once', text, next: (after) => (at > after ? at : null) }
}

/** The next `count` fires strictly after `from`. */
export function nextFires(trigger: Trigger, from: number, count: number): number[] {
  const fires: number[] = []
  let cursor = from
  while (fires.length < count) {
    const next = trigger.next(cursor)
    if (next === null) break
    fires.push(next)
    cursor = next
  }
  return fires
}
