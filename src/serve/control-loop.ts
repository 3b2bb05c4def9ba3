import type { JobLogger, RunTrigger } from '../run/job-type.js'
import type { Clock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import { applyCancelRequests } from './cancel-requests.js'
import { abortStuckRuns } from './health.js'
import type { ServeRuntime } from './runtime.js'

export interface ControlLoopOptions {
  runtime: ServeRuntime
  store: Store
  instance: string
  clock: Clock
  log: JobLogger
  /** How often pauses and requests are read from the store (the CLI's changes are seen within this). */
  pollMs?: number
  heartbeatMs?: number
  recoveryMs?: number
}

const TRIGGERS: RunTrigger[] = ['manual', 'api']

/**
 * What serve reads from the store: pauses and resumes, trigger requests (from `circadian trigger` and the
 * API), and runs lost by dead processes; and what it writes: its heartbeat.
 */
export function startControlLoop(options: ControlLoopOptions): { stop(): void; tick(): Promise<void> } {
  const { runtime, store, instance, clock, log } = options
  const iso = () => new Date(clock.now()).toISOString()
  let busy = false
  const cancelled = new Set<string>()

  const syncPauses = async () => {
    const paused = await store.control.pausedJobs()
    for (const job of paused) if (!runtime.paused.has(job)) log.info(`${job} paused`, { job })
    for (const job of runtime.paused) if (!paused.has(job)) log.info(`${job} resumed`, { job })
    runtime.paused.clear()
    for (const job of paused) runtime.paused.add(job)
  }

  const handleRequests = async () => {
    if (runtime.storeProblem) return
    for (const req of await store.control.pendingRequests()) {
      if (!(await store.control.claimRequest(req.id, instance, iso()))) continue
      if (!runtime.config.jobs.has(req.job)) {
        log.warn(`request ${req.id}: unknown job "${req.job}"`, { job: req.job })
        continue
      }
      const trigger = TRIGGERS.includes(req.trigger as RunTrigger) ? (req.trigger as RunTrigger) : 'manual'
      log.info(`${req.job}: triggered (${trigger})`, { job: req.job })
      void runtime
        .trigger(req.job, trigger)
        .then((outcome) => store.control.completeRequest(req.id, outcome?.id ?? null))
    }
  }

  const tick = async () => {
    if (busy) return
    busy = true
    try {
      await syncPauses()
      await handleRequests()
      await applyCancelRequests(store, runtime.dispatcher, instance, log, cancelled)
    } catch (err) {
      log.warn(`reading the store failed: ${err instanceof Error ? err.message : String(err)}`)
    } finally {
      busy = false
    }
  }

  const poll = setInterval(() => void tick(), options.pollMs ?? 1000)
  const heartbeat = setInterval(() => {
    store.control
      .heartbeat(instance, iso())
      .catch((err) => log.warn(`heartbeat failed: ${err instanceof Error ? err.message : String(err)}`))
  }, options.heartbeatMs ?? 5000)
  const recovery = setInterval(() => {
    runtime
      .recover()
      .catch((err) => log.warn(`recovery sweep failed: ${err instanceof Error ? err.message : String(err)}`))
    for (const runId of abortStuckRuns(runtime))
      log.warn(`run ${runId} was still running past its timeout and stop grace; aborted`)
  }, options.recoveryMs ?? 10_000)
  return {
    tick,
    stop() {
      clearInterval(poll)
      clearInterval(heartbeat)
      clearInterval(recovery)
    },
  }
}
