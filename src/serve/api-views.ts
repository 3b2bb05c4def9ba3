import { describeSchedule } from '../cli/render/config-summary.js'
import { redact } from '../reliability/redact.js'
import type { Store } from '../state/store.js'
import type { ServeRuntime } from './runtime.js'

/** Every job as the API and the dashboard show it: schedule, zone, next fire, last run, running, paused. */
export async function jobsView(runtime: ServeRuntime, store: Store) {
  const states = new Map((await store.jobState.all()).map((s) => [s.job, s]))
  const running = runtime.dispatcher.runningJobs()
  return [...runtime.config.jobs.values()].map((job) => {
    const s = states.get(job.name)
    const paused = runtime.paused.has(job.name) || (s?.paused ?? false)
    const next = job.core.enabled && !paused ? runtime.scheduler.nextFire(job.name) : null
    return {
      job: job.name,
      type: job.type,
      description: job.core.description ?? null,
      schedule: describeSchedule(job),
      cron: job.core.schedule ?? null,
      every: job.core.every ?? null,
      timezone: job.timezone,
      enabled: job.core.enabled,
      after: job.after,
      priority: job.core.priority,
      paused,
      pauseReason: s?.pause_reason ? redact(s.pause_reason) : null,
      nextFire: next === null ? null : new Date(next).toISOString(),
      lastRun: s?.last_run_id ? { id: s.last_run_id, status: s.last_status, at: s.last_run_at } : null,
      lastSuccessAt: s?.last_success_at ?? null,
      consecutiveFailures: s?.consecutive_failures ?? 0,
      running: running.get(job.name) ?? 0,
    }
  })
}
