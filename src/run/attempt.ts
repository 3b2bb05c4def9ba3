import { formatDuration } from '../schedule/duration.js'
import type { StopSignal } from './run-stop.js'

export type AbortCause = 'timeout' | 'interrupted' | 'replaced' | 'cancelled'

/** An attempt stopped from outside: by its timeout, by shutdown, or by a newer run replacing it. */
export class AttemptAborted extends Error {
  constructor(
    readonly abortCause: AbortCause,
    message?: string,
    readonly jobError?: unknown,
  ) {
    super(
      message ??
        (abortCause === 'timeout'
          ? 'timed out'
          : abortCause === 'replaced'
            ? 'replaced by a newer run'
            : abortCause === 'cancelled'
              ? 'cancelled'
              : 'interrupted'),
    )
    this.name = 'AttemptAborted'
  }
}

export interface AttemptOptions {
  timeoutMs?: number
  /** Aborting it interrupts the attempt (shutdown, replace); its reason may be an AbortCause. */
  parentSignal?: StopSignal
  /** How long to wait for a job that ignores its aborted signal before giving up on it. */
  abandonAfterMs: number
}

function causeOf(reason: unknown): AbortCause {
  if (reason instanceof CancelReason) return 'cancelled'
  return reason === 'replaced' || reason === 'timeout' ? reason : 'interrupted'
}

/** The abort reason of a run cancelled by a person (`circadian cancel`, the API): its message is recorded. */
export class CancelReason {
  constructor(readonly message: string) {}
}

/**
 * Runs one attempt with its own AbortSignal. On timeout or interruption the signal aborts and the job is
 * given `abandonAfterMs` to clean up (a command job kills its process tree); a job that ignores the signal
 * is abandoned after that, so one bad job type cannot hang the run. The signal is made when the job first
 * asks for it (`signal()`): an AbortController is a large part of starting an in-process job that never
 * looks at it, and one asked for after the abort comes already aborted.
 */
export async function runAttempt<T>(
  work: (signal: () => AbortSignal) => Promise<T>,
  options: AttemptOptions,
): Promise<T> {
  let controller: AbortController | undefined
  let cause: AbortCause | null = null
  let cancelMessage: string | undefined
  let abandonTimer: NodeJS.Timeout | undefined
  let rejectAbandoned: ((err: Error) => void) | undefined
  const signal = (): AbortSignal => {
    if (!controller) {
      controller = new AbortController()
      if (cause) controller.abort(cause)
    }
    return controller.signal
  }
  const abort = (c: AbortCause): void => {
    if (cause) return
    cause = c
    controller?.abort(c)
    abandonTimer = setTimeout(() => rejectAbandoned?.(new AttemptAborted(c)), options.abandonAfterMs)
  }
  const onParentAbort = (): void => {
    const reason: unknown = options.parentSignal?.reason
    if (reason instanceof CancelReason) cancelMessage = reason.message
    abort(causeOf(reason))
  }
  if (options.parentSignal?.aborted) onParentAbort()
  options.parentSignal?.addEventListener('abort', onParentAbort, { once: true })
  const timer = options.timeoutMs ? setTimeout(() => abort('timeout'), options.timeoutMs) : undefined
  const describe = (c: AbortCause): string | undefined =>
    c === 'timeout' && options.timeoutMs
      ? `timed out after ${formatDuration(options.timeoutMs)}`
      : c === 'cancelled'
        ? cancelMessage
        : undefined
  try {
    if (cause) throw new AttemptAborted(cause, describe(cause))
    // Settles with the job, or rejects once an aborted job has had abandonAfterMs to stop.
    const result = await new Promise<T>((resolve, reject) => {
      rejectAbandoned = reject
      work(signal).then(resolve, reject)
    })
    if (cause) throw new AttemptAborted(cause, describe(cause))
    return result
  } catch (err) {
    if (err instanceof AttemptAborted) throw new AttemptAborted(err.abortCause, describe(err.abortCause), err.jobError)
    if (cause) throw new AttemptAborted(cause, describe(cause), err)
    throw err
  } finally {
    clearTimeout(timer)
    clearTimeout(abandonTimer)
    options.parentSignal?.removeEventListener('abort', onParentAbort)
  }
}
