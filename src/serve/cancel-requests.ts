import { CancelReason } from '../run/attempt.js'
import type { JobLogger } from '../run/job-type.js'
import type { Store } from '../state/store.js'
import type { Dispatcher } from './dispatcher.js'

/**
 * Cancels of runs this instance holds, read from the store (written by `circadian cancel` and the API): a
 * running run's attempt is aborted (a command job's whole process tree is stopped), a queued one is ended
 * without starting; either ends `interrupted`, reason `cancelled`, not retried. `handled` remembers what was
 * already aborted.
 */
export async function applyCancelRequests(
  store: Store,
  dispatcher: Dispatcher,
  instance: string,
  log: JobLogger,
  handled: Set<string>,
): Promise<void> {
  const pending = await store.runControl.pendingCancels(instance)
  const live = new Set(pending.map((p) => p.id))
  for (const id of handled) if (!live.has(id)) handled.delete(id)
  for (const request of pending) {
    if (handled.has(request.id)) continue
    const message = `cancelled by ${request.cancel_by ?? 'someone'}${request.cancel_reason ? `: ${request.cancel_reason}` : ''}`
    if (
      !dispatcher.abortRun(request.id, new CancelReason(message)) &&
      !(await dispatcher.cancelWaiting(request.id, message))
    )
      continue
    handled.add(request.id)
    log.info(`${request.job}: run ${request.id} ${message}`, { job: request.job })
  }
}
