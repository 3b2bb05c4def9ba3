import os from 'node:os'
import type { ValidatedConfig } from '../config/model.js'
import { type LogLevel, createLogger } from '../log/logger.js'
import { Notifier } from '../notify/notifier.js'
import { toJobLogger } from '../log/logger.js'
import { type Clock, systemClock } from '../schedule/clock.js'
import { Breakers } from '../reliability/breakers.js'
import { openStore } from '../state/store.js'
import { ConnectionManager } from './connections.js'
import type { RunEvents, RunServices } from './services.js'

export interface ServiceOptions {
  logLevel?: LogLevel
  notify?: boolean
  clock?: Clock
  instance?: string
  events?: RunEvents
}

export function defaultInstanceId(): string {
  return `${os.hostname()}:${process.pid}`
}

/** Opens the store (migrating it) and builds everything runs need; `close()` releases it all. */
export async function openRunServices(config: ValidatedConfig, options: ServiceOptions = {}): Promise<RunServices & { close(): Promise<void> }> {
  const logger = await createLogger({ level: options.logLevel ?? 'warn' })
  const store = await openStore(config.state)
  const connections = new ConnectionManager(config.connections, config.dir)
  await connections.prepare()
  const clock = options.clock ?? systemClock
  const notifier = new Notifier(config.notifiers, { enabled: options.notify ?? true, log: toJobLogger(logger), store, clock })
  return {
    store,
    clock,
    breakers: new Breakers(store, clock, config.resources),
    instance: options.instance ?? defaultInstanceId(),
    connections,
    notifier,
    logger,
    configDir: config.dir,
    events: options.events,
    async close() {
      await connections.closeAll()
      await store.close()
    },
  }
}
