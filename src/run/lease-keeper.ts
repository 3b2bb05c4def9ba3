import type { Clock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import { LEASE_MS } from './recorder.js'

/**
 * Renews the leases of this process's running and queued runs, well within their length, so another
 * process finds them expired only when this one is really gone.
 */
export function keepLeases(store: Store, instance: string, clock: Clock, onError: (err: unknown) => void): () => void {
  const timer = setInterval(() => {
    store.control.renewLeases(instance, new Date(clock.now() + LEASE_MS).toISOString()).catch(onError)
  }, LEASE_MS / 3)
  timer.unref()
  return () => clearInterval(timer)
}
