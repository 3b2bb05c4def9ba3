import type { JobDefinition } from '../../config/model.js'
import { formatDuration } from '../../schedule/duration.js'
import type { Store } from '../../state/store.js'
import { jobsView } from '../api-views.js'
import { type RunListRow, listRuns, outputPath, runListView } from '../http/run-reads.js'
import type { ServeRuntime } from '../runtime.js'
import { cronToWords } from './cron-words.js'
import { nextDay } from './timeline.js'

/** Runs listed on a job's page; the duration chart reads further back. */
const TABLE_RUNS = 30
const CHART_RUNS = 200

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
]

/** "every 5 minutes", "every hour", "every 1 hour 30 minutes". */
function everyWords(ms: number): string {
  const parts: string[] = []
  let rest = ms
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size)
    if (n) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`)
    rest -= n * size
  }
  if (rest) parts.push(`${rest} ms`)
  return parts.length === 1 && parts[0].startsWith('1 ') ? `every ${parts[0].slice(2)}` : `every ${parts.join(' ')}`
}

/** The schedule in words: the cron described (its filters kept as written), an interval, an instant, or what it waits for. */
export function scheduleWords(job: JobDefinition): string {
  const trigger = job.trigger
  // trigger.text is the schedule followed by its filters: "0 9 * * * (06:00-22:00, MON-FRI)", "every 5m (MON-FRI)".
  if (trigger?.kind === 'cron' && job.core.schedule)
    return cronToWords(job.core.schedule) + trigger.text.slice(job.core.schedule.length)
  if (trigger?.kind === 'interval' && job.core.every !== undefined) {
    const written = `every ${formatDuration(job.core.every)}`
    if (trigger.text.startsWith(written)) return everyWords(job.core.every) + trigger.text.slice(written.length)
  }
  if (trigger?.kind === 'once') return trigger.text.replace(/^at /, 'once at ')
  if (trigger) return trigger.text
  if (job.after.length) return `after ${job.after.join(', ')} succeed`
  return 'only when triggered'
}

/** The jobs table: the API's view of each job, plus its schedule in words. */
export async function dashboardJobs(runtime: ServeRuntime, store: Store) {
  const jobs = await jobsView(runtime, store)
  return jobs.map((view) => {
    const job = runtime.config.jobs.get(view.job)
    return { ...view, scheduleWords: job ? scheduleWords(job) : view.schedule }
  })
}

const ms = (from: string | null, to: string | null) => (from && to ? Date.parse(to) - Date.parse(from) : null)

/** A run as the job page lists it: lateness (started vs scheduled), duration, and where to read its output (on demand). */
function runRow(row: RunListRow) {
  const { outputUrl: _absolute, ...view } = runListView(row)
  return {
    ...view,
    latenessMs: ms(row.scheduled_for, row.started_at),
    durationMs: ms(row.started_at, row.finished_at),
    outputPath: outputPath(row.id),
  }
}

/** A job's page: its table row, its last runs, recent durations and the next 24 hours of fires. */
export async function jobDetail(runtime: ServeRuntime, store: Store, name: string, now = Date.now()) {
  const job = runtime.config.jobs.get(name)
  if (!job) return null
  const view = (await dashboardJobs(runtime, store)).find((j) => j.job === name)!
  const rows = await listRuns(store, { job: name, limit: CHART_RUNS })
  const durations = rows
    .filter((r) => r.started_at && r.finished_at)
    .map((r) => ({ startedAt: r.started_at!, durationMs: ms(r.started_at, r.finished_at)!, status: r.status }))
    .reverse()
  return {
    job: view,
    runs: rows.slice(0, TABLE_RUNS).map(runRow),
    durations,
    timeline: { ...nextDay(job.trigger, now), paused: view.paused, enabled: view.enabled },
  }
}
