import type { Trigger } from '../../schedule/trigger.js'

const DAY_MS = 86_400_000
/** The day is drawn in slots this long: 288 of them, however often the job fires. */
export const SLOT_MS = 5 * 60_000
const SLOTS = DAY_MS / SLOT_MS
/** Enough to list a day of an every-minute job; an every-second job lists its first fires and a count. */
const MAX_FIRES = 1500

export interface Timeline {
  from: string
  to: string
  /** The nominal fires (without jitter) in (from, to), at most MAX_FIRES of them. */
  fires: string[]
  /** Some fires in the window are not listed. */
  truncated: boolean
  /** The 5-minute slots of the window (0 = the first) that hold at least one fire: all of them, even when `fires` is truncated. */
  slots: number[]
  slotMinutes: number
}

/** The slot of the window starting at `from` that a fire falls in. */
const slotOf = (fire: number, from: number) => Math.min(SLOTS - 1, Math.floor((fire - from) / SLOT_MS))

/** The slots holding a fire: one look-up per busy slot (at most 288), so an every-second job costs no more than an hourly one. */
function busySlots(next: (after: number) => number | null, from: number, to: number): number[] {
  const slots: number[] = []
  for (let cursor = from; ;) {
    const fire = next(cursor)
    if (fire === null || fire >= to) break
    const slot = slotOf(fire, from)
    slots.push(slot)
    // Skip to the end of this slot: the next fire looked for is the first of a later one.
    cursor = Math.max(fire, from + (slot + 1) * SLOT_MS - 1)
  }
  return slots
}

/** A job's fires over the next 24 hours, from its trigger (its cron, interval or instant, and filters); none without one. */
export function nextDay(trigger: Trigger | null | undefined, now: number): Timeline {
  const to = now + DAY_MS
  const fires: string[] = []
  let truncated = false
  if (trigger) {
    for (let cursor = now; ;) {
      const next = trigger.next(cursor)
      if (next === null || next >= to) break
      if (fires.length === MAX_FIRES) {
        truncated = true
        break
      }
      fires.push(new Date(next).toISOString())
      cursor = next
    }
  }
  const slots = !trigger
    ? []
    : truncated
      ? busySlots((after) => trigger.next(after), now, to)
      : [...new Set(fires.map((f) => slotOf(Date.parse(f), now)))]
  return {
    from: new Date(now).toISOString(),
    to: new Date(to).toISOString(),
    fires,
    truncated,
    slots,
    slotMinutes: SLOT_MS / 60_000,
  }
}
