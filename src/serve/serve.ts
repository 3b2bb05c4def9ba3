import os from 'node:os'
import type { Logger } from 'pino'
import { ConfigError } from '../config/errors.js'
import type { ValidatedConfig } from '../config/model.js'
import { toJobLogger } from '../log/logger.js'
import { OutboxDeliverer } from '../notify/outbox-delivery.js'
import { keepLeases } from '../run/lease-keeper.js'
import { retentionTargets } from '../run/retention-targets.js'
import { startRetentionLoop } from '../state/retention-loop.js'
import { ConnectionManager } from '../run/connections.js'
import { type TimerClock, systemTimerClock } from '../schedule/clock.js'
import { formatDuration } from '../schedule/duration.js'
import { recordLastValidState } from '../config/last-valid-state.js'
import { openStore } from '../state/store.js'
import { startWalCheckpointer } from '../state/wal-checkpointer.js'
import { growYoungGeneration } from './young-generation.js'
import { startControlLoop } from './control-loop.js'
import type { HealthContext } from './health.js'
import type { HttpPolicy } from './http/guard.js'
import { checkHttpReload } from './http/reload-check.js'
import { type HttpOptions, type HttpServer, startHttp } from './http/server.js'
import { ServeMetrics } from './metrics.js'
import { ConfigWatcher } from './reloader.js'
import { ServeRuntime } from './runtime.js'
import { guardStateFile } from './state-file-guard.js'

type ExtendHttp = NonNullable<HttpOptions['extend']>

export interface ServeOptions {
  config: ValidatedConfig
  /** Loads and validates the config again (hot reload). */
  reload(): Promise<ValidatedConfig>
  logger: Logger
  instance: string
  version: string
  clock?: TimerClock
  notify?: boolean
  /** Watch the config's files and apply valid changes (default true). */
  watch?: boolean
  /** More HTTP routes (the dashboard), given the HTTP policy in force and what /health reads (runtime, store). */
  extendHttp?: (...args: [...Parameters<ExtendHttp>, health: HealthContext]) => ReturnType<ExtendHttp>
}

export interface ServeHandle {
  runtime: ServeRuntime
  /** Resolves when serve has stopped. */
  stopped: Promise<void>
  /** Graceful stop; with `abortNow`, running runs are interrupted at once. */
  stop(abortNow?: boolean): Promise<void>
  /** The last reload error, if the newest config on disk is invalid. */
  reloadError(): string | null
  /** Where the HTTP side listens, when serve.http is set. */
  url: string | null
}

/**
 * `circadian serve`: runs the schedule until stopped. Timers, not polling, fire jobs; the store is polled
 * once a second for pauses and trigger requests; the config's files are watched and valid changes applied.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const clock = options.clock ?? systemTimerClock
  const log = toJobLogger(options.logger)
  const iso = () => new Date(clock.now()).toISOString()
  const store = await openStore(options.config.state)
  let reloadError: string | null = null
  // The outbox is delivered in the background, by whichever instance claims each notice first.
  let currentNotifiers = () => options.config.notifiers
  const deliverer = new OutboxDeliverer({
    store,
    clock,
    instance: options.instance,
    notifiers: () => currentNotifiers(),
    log,
  })
  const runtime = new ServeRuntime({
    config: options.config,
    store,
    clock,
    logger: options.logger,
    instance: options.instance,
    notify: options.notify ?? true,
    onNoticeQueued: () => deliverer.wake(),
  })

  // The port first: a serve that cannot listen must leave nothing behind (no instance row shown as STALE, no run).
  let http: HttpServer | null = null
  let bound: { host: string; port: number } | null = null
  const httpConfig = options.config.serve.http
  // Read per request: a token, publicReads or allowedHosts changed by a reload applies at once.
  const policy = (): HttpPolicy => ({
    token: runtime.config.serve.token,
    publicReads: runtime.config.serve.http?.publicReads ?? false,
    allowedHosts: runtime.config.serve.http?.allowedHosts ?? [],
  })
  if (httpConfig) {
    const metrics = new ServeMetrics(
      store,
      options.version,
      () => new Map([...runtime.config.jobs.values()].map((j) => [j.name, j.type])),
    )
    runtime.on('outcome', (o) => metrics.observe(o))
    deliverer.onDelivery = (status, count) => metrics.noticeDelivery(status, count)
    const health: HealthContext = {
      runtime,
      store,
      instance: options.instance,
      startedAt: clock.now(),
      reloadError: () => reloadError,
      thresholds: options.config.serve.health,
    }
    const extendHttp = options.extendHttp
    const extend: ExtendHttp | undefined = extendHttp && ((app, httpPolicy) => extendHttp(app, httpPolicy, health))
    try {
      http = await startHttp({ port: httpConfig.port, host: httpConfig.host, policy, health, metrics, log, extend })
      bound = { host: httpConfig.host, port: Number(new URL(http.url).port) }
    } catch (err) {
      log.error(
        `cannot listen on ${httpConfig.host}:${httpConfig.port}: ${err instanceof Error ? err.message : String(err)}`,
      )
      await store.close()
      throw err
    }
  }

  await store.control.registerInstance({
    id: options.instance,
    host: os.hostname(),
    pid: process.pid,
    version: options.version,
    started_at: iso(),
    heartbeat_at: iso(),
  })
  recordLastValidState(options.config.file, options.config.state)
  const stopLeases = keepLeases(store, options.instance, clock, (err) =>
    log.warn(`lease renewal failed: ${err instanceof Error ? err.message : String(err)}`),
  )
  currentNotifiers = () => runtime.config.notifiers
  const recovered = await runtime.recover()
  if (recovered) log.info(`recovered ${recovered} run(s) left by stopped processes`)
  const checkpointer = await startWalCheckpointer(store.knex, { onError: (message) => log.warn(message) }).catch(
    (err) => {
      log.warn(`the WAL checkpointer did not start (${err instanceof Error ? err.message : String(err)})`)
      return null
    },
  )
  growYoungGeneration()
  await runtime.start()
  const control = startControlLoop({ runtime, store, instance: options.instance, clock, log })
  if (http) log.info(`HTTP on ${http.url} (/health, /metrics, /api${options.extendHttp ? ', /' : ''})`)
  deliverer.start()
  // History past the retention rules goes in the background, in small batches (one instance at a time).
  const pruneConnections = new ConnectionManager(options.config.connections, options.config.dir)
  await pruneConnections.prepare()
  const retention = startRetentionLoop({
    store,
    instance: options.instance,
    targets: () => retentionTargets(runtime.config, pruneConnections, log, () => clock.now()),
    defaults: () => runtime.config.retention,
    log,
  })
  const stateFile = guardStateFile(options.config.state, (problem) => {
    runtime.storeProblem = problem
    if (problem) log.error(problem)
    else log.info('the state file is back; firing again')
  })

  const watcher = new ConfigWatcher(() => {
    options
      .reload()
      .then(async (next) => {
        const verdict = bound ? checkHttpReload(bound, runtime.config, next) : { notes: [] }
        if (verdict.refuse) throw new Error(verdict.refuse)
        const diff = await runtime.applyConfig(next)
        reloadError = null
        recordLastValidState(next.file, next.state)
        watcher.watch(next.sources)
        log.info(`config reloaded: ${diff.added} added, ${diff.removed} removed, ${diff.changed} changed`)
        for (const note of verdict.notes) log.info(note)
      })
      .catch((err) => {
        reloadError = err instanceof Error ? err.message : String(err)
        const issues = err instanceof ConfigError ? err.issues.map((i) => `${i.path}: ${i.message}`) : undefined
        log.error(
          `config change rejected; still running the previous config: ${reloadError}`,
          issues ? { issues } : undefined,
        )
      })
  })
  if (options.watch !== false) watcher.watch(options.config.sources)

  let resolveStopped: () => void = () => {}
  const stopped = new Promise<void>((r) => {
    resolveStopped = r
  })
  let stopping: Promise<void> | null = null
  const stop = (abortNow = false): Promise<void> => {
    if (stopping && !abortNow) return stopping
    if (stopping && abortNow) {
      runtime.dispatcher.abortAll('interrupted')
      return stopping
    }
    stopping = (async () => {
      watcher.close()
      control.stop()
      await retention.stop()
      await pruneConnections.closeAll()
      stateFile.stop()
      await http?.close().catch(() => {})
      const grace = runtime.config.serve.shutdownGrace
      log.info(abortNow ? 'stopping now' : `stopping: running runs get ${formatDuration(grace)} to finish`)
      await runtime.shutdown(grace, abortNow)
      // The last runs' notices get one try before the store closes; the rest stay queued for the next start.
      if (!abortNow) await deliverer.deliverDue()
      await deliverer.stop()
      stopLeases()
      await checkpointer?.stop()
      await store.control.stopInstance(options.instance, iso()).catch(() => {})
      const queries = store.queries
      await store.close()
      log.info('stopped', { databaseStatements: queries })
      resolveStopped()
    })()
    return stopping
  }
  log.info(`serving ${runtime.config.jobs.size} job(s) from ${runtime.config.file} as ${options.instance}`)
  return { runtime, stopped, stop, reloadError: () => reloadError, url: http?.url ?? null }
}
