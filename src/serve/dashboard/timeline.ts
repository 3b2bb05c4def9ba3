import type { JobDefinition } from '../../config/model.js'

const DAY_MS = 86_400_000
/** Enough to draw a day of an every-minute job; an every-second job shows its first fires and a count. */
const MAX_FIRES = 1500

export interface Timeline {
  from: string
  to: string
  /** The nominal fires (without jitter) in [from, to), at most MAX_FIRES of them. */
  fires: string[]
  /** Some fires in the window are not listed. */
  truncated: boolean
}

/** The job's fires over the next 24 hours, from its trigger (its cron, interval or instant, and filters). */
export function nextDay(job: JobDefinition, now: number): Timeline {
  const to = now + DAY_MS
  const fires: string[] = []
  let truncated = false
  if (job.trigger) {
    for (let cursor = now; ; ) {
      const next = job.trigger.next(cursor)
      if (next === null || next >= to) break
      if (fires.length === MAX_FIRES) {
        truncated = true
        break
      }
      fires.push(new Date(next).toISOString())
      cursor = next
    }
  }
  return { from: new Date(now).toISOString(), to: new Date(to).toISOString(), fires, truncated }
}
