import os from 'node:os'
import type { Logger } from 'pino'
import { ConfigError } from '../config/errors.js'
import type { ValidatedConfig } from '../config/model.js'
import { toJobLogger } from '../log/logger.js'
import { keepLeases } from '../run/lease-keeper.js'
import { type TimerClock, systemTimerClock } from '../schedule/clock.js'
import { formatDuration } from '../schedule/duration.js'
import { openStore } from '../state/store.js'
import { startControlLoop } from './control-loop.js'
import type { HealthContext } from './health.js'
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
  /** More HTTP routes (the dashboard), given the token guard and what /health reads (runtime, store). */
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
  await store.control.registerInstance({ id: options.instance, host: os.hostname(), pid: process.pid, version: options.version, started_at: iso(), heartbeat_at: iso() })
  const runtime = new ServeRuntime({ config: options.config, store, clock, logger: options.logger, instance: options.instance, notify: options.notify ?? true })
  const stopLeases = keepLeases(store, options.instance, clock, (err) => log.warn(`lease renewal failed: ${err instanceof Error ? err.message : String(err)}`))
  const recovered = await runtime.recover()
  if (recovered) log.info(`recovered ${recovered} run(s) left by stopped processes`)
  await runtime.start()
  const control = startControlLoop({ runtime, store, instance: options.instance, clock, log })
  const stateFile = guardStateFile(options.config.state, (problem) => {
    runtime.storeProblem = problem
    if (problem) log.error(problem)
    else log.info('the state file is back; firing again')
  })

  let reloadError: string | null = null
  const watcher = new ConfigWatcher(() => {
    options
      .reload()
      .then(async (next) => {
        const diff = await runtime.applyConfig(next)
        reloadError = null
        watcher.watch(next.sources)
        log.info(`config reloaded: ${diff.added} added, ${diff.removed} removed, ${diff.changed} changed`)
      })
      .catch((err) => {
        reloadError = err instanceof Error ? err.message : String(err)
        const issues = err instanceof ConfigError ? err.issues.map((i) => `${i.path}: ${i.message}`) : undefined
        log.error(`config change rejected; still running the previous config: ${reloadError}`, issues ? { issues } : undefined)
      })
  })
  if (options.watch !== false) watcher.watch(options.config.sources)

  let http: HttpServer | null = null
  const httpConfig = options.config.serve.http
  if (httpConfig) {
    const metrics = new ServeMetrics(store, options.version, () => new Map([...runtime.config.jobs.values()].map((j) => [j.name, j.type])))
    runtime.on('outcome', (o) => metrics.observe(o))
    const health: HealthContext = { runtime, store, instance: options.instance, startedAt: clock.now(), reloadError: () => reloadError, thresholds: options.config.serve.health }
    const extendHttp = options.extendHttp
    const extend: ExtendHttp | undefined = extendHttp && ((app, requireToken) => extendHttp(app, requireToken, health))
    try {
      http = await startHttp({ port: httpConfig.port, host: httpConfig.host, token: options.config.serve.token, health, metrics, log, extend })
      log.info(`HTTP on ${http.url} (/health, /metrics, /api${options.extendHttp ? ', /' : ''})`)
    } catch (err) {
      log.error(`cannot listen on ${httpConfig.host}:${httpConfig.port}: ${err instanceof Error ? err.message : String(err)}`)
      watcher.close()
      control.stop()
      await runtime.shutdown(0, true)
      stopLeases()
      await store.close()
      throw err
    }
  }

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
      stateFile.stop()
      await http?.close().catch(() => {})
      const grace = runtime.config.serve.shutdownGrace
      log.info(abortNow ? 'stopping now' : `stopping: running runs get ${formatDuration(grace)} to finish`)
      await runtime.shutdown(grace, abortNow)
      stopLeases()
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
