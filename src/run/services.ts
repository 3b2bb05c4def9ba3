import type { Logger } from 'pino'
import type { Notifier } from '../notify/notifier.js'
import type { Breakers } from '../reliability/breakers.js'
import type { Clock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import type { ConnectionManager } from './connections.js'
import type { RunOutcome } from './outcome.js'

/** Hooks for whoever shows progress (the `run` command's list, serve's logs). */
export interface RunEvents {
  onStart?(job: string, runId: string): void
  onRetry?(job: string, info: { attempt: number; delayMs: number; error: string }): void
  onFinish?(outcome: RunOutcome): void
}

/** Everything a run needs from its surroundings. */
export interface RunServices {
  store: Store
  clock: Clock
  /** The process recording runs, e.g. host:pid. */
  instance: string
  connections: ConnectionManager
  notifier: Notifier
  breakers: Breakers
  logger: Logger
  configDir: string
  events?: RunEvents
}
