import os from 'node:os'
import type { JobDefinition } from '../config/model.js'
import { toJobLogger } from '../log/logger.js'
import { noticeDeliveryStates } from '../notify/notice-states.js'
import { processStartToken } from '../reliability/process-identity.js'
import type { JobContext, PluginKeyValue, RunInfo } from './job-type.js'
import type { RunServices } from './services.js'

function keyValueFor(services: RunServices, namespace: string): PluginKeyValue {
  const kv = services.store.kv
  const now = () => new Date(services.clock.now()).toISOString()
  return {
    get: (key) => kv.get(namespace, key),
    set: (key, value) => kv.set(namespace, key, value, now()),
    delete: (key) => kv.delete(namespace, key),
    list: (prefix) => kv.list(namespace, prefix),
  }
}

/** The `ctx` a job type's run receives for one attempt; `signal` makes the attempt's AbortSignal on first use. */
export function createJobContext(
  job: JobDefinition,
  run: RunInfo,
  signal: () => AbortSignal,
  services: RunServices,
): JobContext {
  // Most runs never log: the child logger is made on first use.
  let logger: JobContext['log'] | undefined
  const child = () =>
    (logger ??= toJobLogger(services.logger.child({ job: job.name, run: run.id, attempt: run.attempt })))
  const log: JobContext['log'] = {
    debug: (m, e) => child().debug(m, e),
    info: (m, e) => child().info(m, e),
    warn: (m, e) => child().warn(m, e),
    error: (m, e) => child().error(m, e),
  }
  return {
    get signal() {
      return signal()
    },
    log,
    run,
    db: (name) => services.connections.get(name),
    kv: keyValueFor(services, job.jobType.plugin),
    notify: async (names, notice) => {
      const queued = await services.notifier.send(names, notice, { event: 'notice', job: job.name, runId: run.id })
      return { ids: queued.map((q) => q.key) }
    },
    noticeStates: (ids) => noticeDeliveryStates(services.store, ids),
    clock: services.clock,
    configDir: services.configDir,
    processStarted: (pgid) => {
      const process = { pgid, host: os.hostname(), procStart: processStartToken(pgid) }
      services.store.runControl
        .recordProcess(run.id, process)
        .catch((err) =>
          log.warn(`could not record process group ${pgid}: ${err instanceof Error ? err.message : String(err)}`),
        )
    },
  }
}
