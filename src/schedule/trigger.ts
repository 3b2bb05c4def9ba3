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

/**
 * The last answer per (expression, zone), shared by every trigger of that schedule: jobs with the same
 * schedule ask for the fire after the same instant, one after another (a thousand hourly jobs at each hour),
 * and the cron arithmetic is the scheduler's main cost per fire.
 */
const lastAnswers = new Map<string, { after: number; next: number | null }>()

export function cronTrigger(expression: string | CronExpression, zone: string): Trigger {
  const expr = typeof expression === 'string' ? parseCron(expression) : expression
  const key = `${expr.source}\u0000${zone}`
  let last = lastAnswers.get(key)
  if (!last) lastAnswers.set(key, (last = { after: Number.NaN, next: null }))
  const answers = last
  const next = (after: number): number | null => {
    if (answers.after === after) return answers.next
    const fire = nextCronFire(expr, zone, after)
    answers.after = after
    answers.next = fire
    return fire
  }
  return { kind: 'cron', text: expr.source, next, cron: { expr, zone } }
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
