import os from 'node:os'
import type { ValidatedConfig } from '../config/model.js'
import { type LogLevel, createLogger } from '../log/logger.js'
import { Notifier, type QueuedNotice } from '../notify/notifier.js'
import { OutboxDeliverer } from '../notify/outbox-delivery.js'
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
  /** Before `close()` returns, the notices this process queued are delivered (retried) for up to this long. Default 10 s. */
  noticeWaitMs?: number
}

/** How long a one-shot command waits for its notices by default: enough for three tries (0, ~2 s, ~6 s). */
export const DEFAULT_NOTICE_WAIT_MS = 10_000

export function defaultInstanceId(): string {
  return `${os.hostname()}:${process.pid}`
}

/** Opens the store (migrating it) and builds everything runs need; `close()` releases it all. */
export async function openRunServices(
  config: ValidatedConfig,
  options: ServiceOptions = {},
): Promise<RunServices & { close(): Promise<void> }> {
  const logger = await createLogger({ level: options.logLevel ?? 'warn' })
  const store = await openStore(config.state)
  const connections = new ConnectionManager(config.connections, config.dir)
  await connections.prepare()
  const clock = options.clock ?? systemClock
  const instance = options.instance ?? defaultInstanceId()
  const deliverer = new OutboxDeliverer({
    store,
    clock,
    instance,
    notifiers: () => config.notifiers,
    log: toJobLogger(logger),
  })
  const queued: QueuedNotice[] = []
  const notifier = new Notifier(config.notifiers, {
    enabled: options.notify ?? true,
    log: toJobLogger(logger),
    store,
    clock,
    onQueued: (q) => {
      queued.push(...q)
      deliverer.wake()
    },
  })
  return {
    store,
    clock,
    breakers: new Breakers(store, clock, config.resources),
    instance,
    connections,
    notifier,
    logger,
    configDir: config.dir,
    events: options.events,
    async close() {
      // Notices left by earlier processes get one pass (a CI-only setup has no serve to deliver them); this
      // process's own are retried for up to noticeWaitMs. What is still undelivered stays in the outbox.
      if (options.notify !== false) await deliverer.deliverDue()
      if (queued.length) {
        const { undelivered } = await deliverer.drain(
          queued.map((q) => q.key),
          Date.now() + (options.noticeWaitMs ?? DEFAULT_NOTICE_WAIT_MS),
        )
        if (undelivered)
          logger.warn(`${undelivered} notice(s) not delivered yet; they stay queued (see \`circadian notices\`)`)
      }
      await deliverer.stop()
      await connections.closeAll()
      await store.close()
    },
  }
}
