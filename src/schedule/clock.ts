/** The only source of "now" for scheduling code, so tests can drive time. */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export type TimerHandle = { readonly id: number } | NodeJS.Timeout

/** A clock that can also wake you up: what the scheduler loop needs. */
export interface TimerClock extends Clock {
  setTimer(delayMs: number, fn: () => void): TimerHandle
  clearTimer(handle: TimerHandle): void
}

export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  setTimer: (delayMs, fn) => setTimeout(fn, Math.max(0, delayMs)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/** A clock that moves only when told to, and fires its timers as it passes them. */
export class FakeClock implements TimerClock {
  private timers: Array<{ id: number; at: number; fn: () => void }> = []
  private nextId = 1

  constructor(private current: number) {}

  now(): number {
    return this.current
  }

  set(instant: number): void {
    this.current = instant
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, delayMs), fn }
    this.timers.push(timer)
    return { id: timer.id }
  }

  clearTimer(handle: TimerHandle): void {
    const id = (handle as { id: number }).id
    this.timers = this.timers.filter((t) => t.id !== id)
  }

  /**
   * Moves time forward, firing every timer due on the way in order; between timers, pending promise work is
   * allowed to run, so code awaiting I/O started by a timer makes progress as time passes.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms
    for (;;) {
      await settle()
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.timers = this.timers.filter((t) => t !== due)
      this.current = Math.max(this.current, due.at)
      due.fn()
    }
    this.current = target
    await settle()
  }

  /** Jumps the wall clock (a suspend, an NTP step) without firing anything on the way. */
  jump(ms: number): void {
    this.current += ms
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}
