import type { Clock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import { isoInstant } from './iso-instant.js'
import { LEASE_MS } from './recorder.js'

/** How often leases are renewed: three times a lease length. */
const RENEW_EVERY_MS = LEASE_MS / 3

/**
 * Renews the leases of this process's running and queued runs, well within their length, so another
 * process finds them expired only when this one is really gone. A lease taken in the last half renewal
 * period (a run just started, thousands of them a second) is left alone: it still has more than a full
 * period left at the next renewal.
 */
export function keepLeases(store: Store, instance: string, clock: Clock, onError: (err: unknown) => void): () => void {
  const timer = setInterval(() => {
    const now = clock.now()
    store.control
      .renewLeases(instance, isoInstant(now + LEASE_MS), isoInstant(now + LEASE_MS - RENEW_EVERY_MS / 2))
      .catch(onError)
  }, RENEW_EVERY_MS)
  timer.unref()
  return () => clearInterval(timer)
}
