import type { JobDefinition } from '../config/model.js'
import type { TimerClock, TimerHandle } from '../schedule/clock.js'
import { latestOccurrence } from '../schedule/catch-up.js'
import { jitterDelay } from '../schedule/jitter.js'
import { FireQueue, type QueuedFire } from './fire-queue.js'

/** The timer is re-armed at least this often, so a wall-clock jump is noticed within it. */
const MAX_SLEEP_MS = 30_000
/** Waking this much later than planned means the clock jumped (suspend, NTP step) or the loop stalled. */
const JUMP_THRESHOLD_MS = 5_000
/** Due occurrences gathered per job per wake-up; more are counted as missed by the catch-up rules. */
const MAX_DUE_PER_WAKE = 100_000
/** Work out queued fires' following occurrences in slices this long, so timers and I/O are not held up. */
const LOOKAHEAD_SLICE_MS = 5
/**
 * A fire is announced (onUpcoming: its run is claimed) this long before it is due, so the claim's commit is
 * done when the instant comes: thousands of claims, or a database across a network, fit in it.
 */
export const CLAIM_AHEAD_MS = 1000

export interface DueOccurrences {
  job: JobDefinition
  /** Ascending; all at or before `now`. */
  occurrences: number[]
  /** There were more due than gathered (a very long outage of a very frequent job). */
  truncated: boolean
  now: number
}

export interface SchedulerEvents {
  onDue(due: DueOccurrences): void
  /** A job's next occurrence is due within CLAIM_AHEAD_MS (at `dueAt`, its jitter included). */
  onUpcoming?(job: JobDefinition, occurrence: number, dueAt: number): void
  onClockJump?(info: { expected: number; actual: number }): void
}

interface Entry {
  job: JobDefinition
  generation: number
}

/**
 * Keeps every job's next fire in one heap and sleeps until the earliest. On waking, each due job gets all of
 * its occurrences that fell due, which the caller hands to the catch-up rules. croner (through the job's
 * trigger) is only used to compute instants.
 */
export class Scheduler {
  private readonly queue = new FireQueue()
  /** Fires to announce, keyed by when (`dueAt` holds dueAt - CLAIM_AHEAD_MS). */
  private readonly upcoming = new FireQueue()
  /** Fires already within CLAIM_AHEAD_MS when queued: announced once the wake-up that queued them is done. */
  private announceSoon: QueuedFire[] = []
  private readonly jobs = new Map<string, Entry>()
  /** Each scheduled job's next occurrence (without jitter). */
  private readonly pendingOccurrence = new Map<string, number>()
  private timer: TimerHandle | null = null
  /** Fires queued whose following occurrence is not worked out yet (see QueuedFire.following). */
  private lookahead: QueuedFire[] = []
  private lookaheadScheduled = false
  private plannedWake = 0
  private armedAt = 0
  private running = false
  private generation = 0
  /** When the loop last woke (or started): /health/live checks it keeps making progress. */
  lastProgressAt = 0

  constructor(
    private readonly clock: TimerClock,
    private readonly events: SchedulerEvents,
  ) {}

  /** Schedules (or reschedules) a job: its next fire strictly after `after`. */
  schedule(job: JobDefinition, after: number): void {
    const entry = { job, generation: ++this.generation }
    this.jobs.set(job.name, entry)
    this.enqueueNext(entry, after)
    this.rearm()
  }

  unschedule(name: string): void {
    this.jobs.delete(name)
  }

  /** The next instant each job is due to fire (without jitter), for status displays. */
  nextFire(name: string): number | null {
    const entry = this.jobs.get(name)
    if (!entry?.job.trigger) return null
    return this.pendingOccurrence.get(name) ?? null
  }

  start(): void {
    this.running = true
    this.lastProgressAt = this.clock.now()
    if (this.announceSoon.length) setTimeout(() => this.announceQueued(), 0)
    this.rearm()
  }

  stop(): void {
    this.running = false
    if (this.timer) this.clock.clearTimer(this.timer)
    this.timer = null
  }

  private enqueueNext(entry: Entry, after: number): void {
    const { job } = entry
    if (!job.core.enabled || !job.trigger) {
      this.pendingOccurrence.delete(job.name)
      return
    }
    this.enqueue(entry, job.trigger.next(after))
  }

  private enqueue(entry: Entry, occurrence: number | null): void {
    const { job } = entry
    if (occurrence === null) {
      this.pendingOccurrence.delete(job.name)
      return
    }
    this.pendingOccurrence.set(job.name, occurrence)
    const fire: QueuedFire = {
      job: job.name,
      occurrence,
      dueAt: occurrence + jitterDelay(job.name, occurrence, job.core.jitter),
      generation: entry.generation,
      following: undefined,
    }
    this.queue.push(fire)
    if (this.events.onUpcoming) {
      const announceAt = fire.dueAt - CLAIM_AHEAD_MS
      if (announceAt > this.clock.now()) this.upcoming.push({ ...fire, dueAt: announceAt })
      else if (this.announceSoon.push(fire) === 1) setTimeout(() => this.announceQueued(), 0)
    }
    this.lookahead.push(fire)
    if (!this.lookaheadScheduled) {
      this.lookaheadScheduled = true
      // A timer, not setImmediate: the claims of the runs just handed over are committed (setImmediate) and
      // their jobs started first; this cron arithmetic is for a later wake-up.
      setTimeout(() => this.workLookahead(), 0)
    }
  }

  private announce(fire: QueuedFire): void {
    const entry = this.jobs.get(fire.job)
    // A fire already due is the wake-up's to handle (a catch-up at start): nothing to get ahead of.
    if (entry?.generation === fire.generation && this.running && fire.dueAt > this.clock.now())
      this.events.onUpcoming!(entry.job, fire.occurrence, fire.dueAt)
  }

  private announceQueued(): void {
    // Queued before start (the jobs are scheduled first): announced when it starts.
    if (!this.running) return
    const fires = this.announceSoon
    this.announceSoon = []
    for (const fire of fires) this.announce(fire)
  }

  /** Works out the following occurrence of queued fires, a slice at a time. */
  private workLookahead(): void {
    const until = performance.now() + LOOKAHEAD_SLICE_MS
    let i = 0
    for (; i < this.lookahead.length && (i & 63 || performance.now() < until); i++) {
      const fire = this.lookahead[i]
      const entry = this.jobs.get(fire.job)
      if (fire.following === undefined && entry?.generation === fire.generation)
        fire.following = entry.job.trigger?.next(fire.occurrence) ?? null
    }
    this.lookahead = i >= this.lookahead.length ? [] : this.lookahead.slice(i)
    if (this.lookahead.length) setImmediate(() => this.workLookahead())
    else this.lookaheadScheduled = false
  }

  private rearm(): void {
    if (!this.running) return
    const head = this.queue.peek()
    const next = this.upcoming.peek()
    const now = this.clock.now()
    const wake = Math.min(head?.dueAt ?? Infinity, next?.dueAt ?? Infinity, now + MAX_SLEEP_MS)
    if (this.timer && wake >= this.plannedWake && this.plannedWake > now) return
    if (this.timer) this.clock.clearTimer(this.timer)
    this.plannedWake = wake
    this.armedAt = now
    this.timer = this.clock.setTimer(wake - now, () => this.wake())
  }

  private wake(): void {
    this.timer = null
    if (!this.running) return
    const now = this.clock.now()
    this.lastProgressAt = now
    // Only a wake-up planned for the future can be late because of the clock (not one for an old due fire).
    if (
      this.plannedWake > this.armedAt &&
      (now - this.plannedWake > JUMP_THRESHOLD_MS || this.plannedWake - now > JUMP_THRESHOLD_MS)
    ) {
      this.events.onClockJump?.({ expected: this.plannedWake, actual: now })
    }
    const due = new Map<string, { entry: Entry; fire: QueuedFire }>()
    for (let head = this.queue.peek(); head && head.dueAt <= now; head = this.queue.peek()) {
      this.queue.pop()
      const entry = this.jobs.get(head.job)
      if (!entry || entry.generation !== head.generation || due.has(head.job)) continue
      due.set(head.job, { entry, fire: head })
    }
    // Handed over highest priority first, so when slots are short the dispatcher sees them in that order.
    const ordered = [...due.values()].sort(
      (a, b) => b.entry.job.core.priority - a.entry.job.core.priority || a.fire.occurrence - b.fire.occurrence,
    )
    const handed: DueOccurrences[] = []
    for (const { entry, fire } of ordered) {
      const occurrences = [fire.occurrence]
      let truncated = false
      // Everything else that fell due (after a suspend or a late wake-up), in order; `o` ends as the next one.
      const { job } = entry
      const next = (after: number) => job.trigger!.next(after)
      let o = fire.following === undefined ? next(fire.occurrence) : fire.following
      for (; o !== null && o + jitterDelay(job.name, o, job.core.jitter) <= now; o = next(o)) {
        if (occurrences.length >= MAX_DUE_PER_WAKE) {
          // A very long gap: the rest is not walked; the latest due occurrence stands for it, so the catch-up
          // rules still see the newest one, and everything between is recorded missed as one summary.
          truncated = true
          const latest = latestOccurrence(job.trigger!, now)
          if (latest !== null && latest > occurrences[occurrences.length - 1]) occurrences.push(latest)
          break
        }
        occurrences.push(o)
      }
      if (truncated) this.enqueueNext(entry, occurrences[occurrences.length - 1])
      else this.enqueue(entry, o)
      handed.push({ job, occurrences, truncated, now })
    }
    for (const d of handed) this.events.onDue(d)
    for (let next = this.upcoming.peek(); next && next.dueAt <= now; next = this.upcoming.peek()) {
      this.upcoming.pop()
      this.announce({ ...next, dueAt: next.dueAt + CLAIM_AHEAD_MS })
    }
    this.rearm()
  }
}
