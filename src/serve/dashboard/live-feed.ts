import type { RunOutcome } from '../../run/outcome.js'
import type { ServeRuntime } from '../runtime.js'
import type { SseHub } from './sse-hub.js'

/**
 * Pauses, reloads and rejected reloads change the runtime in place (the API, the control loop reading the CLI's pauses, the
 * config watcher) without an event; looking at them this often keeps the page within a second of them.
 */
const WATCH_MS = 500

/**
 * Feeds the hub from the runtime: runs starting and ending, pauses and resumes, config reloads, and a
 * config change rejected (or a rejection cleared) by the config watcher.
 */
export function feedHub(hub: SseHub, runtime: ServeRuntime, reloadError: () => string | null = () => null): () => void {
  const onStarted = ({ job, runId }: { job: string; runId: string }) => hub.broadcast({ kind: 'started', job, runId })
  const onOutcome = (o: RunOutcome) => hub.broadcast({ kind: 'outcome', job: o.job, runId: o.id, status: o.status })
  runtime.on('started', onStarted)
  runtime.on('outcome', onOutcome)

  let paused = new Set(runtime.paused)
  let config = runtime.config
  let rejected = reloadError()
  const watch = setInterval(() => {
    const nowRejected = reloadError()
    if (nowRejected !== rejected) {
      rejected = nowRejected
      hub.broadcast({ kind: 'health' })
    }
    if (runtime.config !== config) {
      config = runtime.config
      hub.broadcast({ kind: 'config' })
    }
    const now = runtime.paused
    for (const job of now) if (!paused.has(job)) hub.broadcast({ kind: 'paused', job })
    for (const job of paused) if (!now.has(job)) hub.broadcast({ kind: 'resumed', job })
    paused = new Set(now)
  }, WATCH_MS).unref()

  return () => {
    clearInterval(watch)
    runtime.off('started', onStarted)
    runtime.off('outcome', onOutcome)
  }
}
