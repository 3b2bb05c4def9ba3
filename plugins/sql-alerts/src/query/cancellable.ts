import { type QueryFailure, cancelledFailure, timeoutFailure } from './query-failure.js'

/** How long after `queryTimeout` the plugin stops waiting for a database that did not stop the query itself. */
export const BACKSTOP_GRACE_MS = 2000

export interface CancelControl {
  /** Called once the database session is known: how to make the database stop the running statement. */
  onBackend(cancel: () => Promise<unknown>): void
  /** Why the query was stopped from outside, if it was: the failure to report instead of the driver's error. */
  stoppedBy(): QueryFailure | null
  /** Throws the stop's failure if the query was stopped (check before sending the statement). */
  throwIfStopped(): void
}

/** How often a cancel is repeated until the statement is gone: one sent while the session was between statements is lost. */
const CANCEL_REPEAT_MS = 250

/**
 * Runs `work` (one query in a database session) so that it can be stopped: when the run's signal aborts,
 * or when the database has not enforced `timeoutMs` within a grace period, the session's statement is
 * cancelled from another connection and the caller gets a clear failure at once.
 */
export async function cancellable<T>(
  work: (control: CancelControl) => Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  if (signal?.aborted) throw cancelledFailure(signal.reason)
  let cancelBackend: (() => Promise<unknown>) | null = null
  let stopped: QueryFailure | null = null
  let rejectStop: (err: QueryFailure) => void = () => {}
  const stop = new Promise<never>((_, reject) => (rejectStop = reject))
  stop.catch(() => {})
  let settled = false
  let repeat: NodeJS.Timeout | undefined
  const halt = (failure: QueryFailure) => {
    if (stopped) return
    stopped = failure
    cancelBackend?.().catch(() => {})
    repeat = setInterval(() => cancelBackend?.().catch(() => {}), CANCEL_REPEAT_MS)
    repeat.unref()
    if (settled) clearInterval(repeat)
    rejectStop(failure)
  }
  const onAbort = () => halt(cancelledFailure(signal?.reason))
  signal?.addEventListener('abort', onAbort, { once: true })
  const backstop = setTimeout(() => halt(timeoutFailure(timeoutMs, 'plugin')), timeoutMs + BACKSTOP_GRACE_MS)
  const running = work({
    onBackend: (cancel) => {
      cancelBackend = cancel
      if (stopped) cancel().catch(() => {})
    },
    stoppedBy: () => stopped,
    throwIfStopped: () => {
      if (stopped) throw stopped
    },
  })
  running
    .catch(() => {})
    .finally(() => {
      settled = true
      clearInterval(repeat)
    })
  try {
    return await Promise.race([running, stop])
  } finally {
    clearTimeout(backstop)
    signal?.removeEventListener('abort', onAbort)
  }
}
