import { statfs } from 'node:fs/promises'
import path from 'node:path'
import type { JobDefinition } from '../config/model.js'
import { DEFAULT_STOP_GRACE_MS } from '../run/execute-run.js'
import { pendingMigrations } from '../state/migrate.js'
import type { Store } from '../state/store.js'
import type { ServeRuntime } from './runtime.js'

/** The loop wakes at least every 30 s; twice that without progress means it is stuck. */
const LIVE_WINDOW_MS = 75_000
/** A run is stuck when it is this far past its timeout plus its stop grace and still not done. */
export const STUCK_SLACK_MS = 10_000

/** /health is degraded while a notice older than this is still undelivered. */
export const NOTICE_BACKLOG_MS = 5 * 60_000

export interface HealthContext {
  runtime: ServeRuntime
  store: Store
  instance: string
  startedAt: number
  reloadError(): string | null
  thresholds: { memoryMb?: number; diskFreeMb?: number }
}

export function liveness(ctx: HealthContext, now = Date.now()) {
  const age = now - ctx.runtime.scheduler.lastProgressAt
  return { ok: age < LIVE_WINDOW_MS, lastLoopAgeSeconds: Math.round(age / 1000) }
}

export async function readiness(ctx: HealthContext) {
  const checks: Record<string, string> = { config: 'loaded' }
  let ok = true
  try {
    await Promise.race([
      ctx.store.knex.raw('select 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2s')), 2000)),
    ])
    checks.store = 'reachable'
    const pending = await pendingMigrations(ctx.store.knex, ctx.store.database.schema)
    checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'current'
    if (pending.length) ok = false
  } catch (err) {
    ok = false
    checks.store = `unreachable: ${err instanceof Error ? err.message : String(err)}`
  }
  if (ctx.runtime.storeProblem) {
    ok = false
    checks.stateFile = ctx.runtime.storeProblem
  }
  return { ok, checks }
}

function stopGrace(job: JobDefinition): number {
  return job.jobType.definition.stopGrace?.(job.options as never) ?? DEFAULT_STOP_GRACE_MS
}

/**
 * The longest a run of this job can rightly take: `timeout` is per attempt, so every attempt's timeout and
 * stop grace, plus the longest waits between them. Null when the job has no timeout.
 */
export function runBudget(job: JobDefinition): number | null {
  if (job.core.timeout === undefined) return null
  const attempts = job.core.retry?.attempts ?? 1
  const retry = job.core.retry
  const maxWait = !retry ? 0 : retry.backoff === 'fixed' ? retry.delay : Math.max(retry.delay, retry.maxDelay)
  return attempts * (job.core.timeout + stopGrace(job)) + (attempts - 1) * maxWait + STUCK_SLACK_MS
}

/** Running rows (any instance) past their job's timeout and stop grace: they should have been aborted. */
export async function stuckRuns(
  store: Store,
  jobs: Map<string, JobDefinition>,
  now = Date.now(),
): Promise<Array<{ id: string; job: string; instance: string | null; startedAt: string }>> {
  const running: Array<{ id: string; job: string; instance: string | null; started_at: string }> = await store
    .knex('runs')
    .where({ status: 'running' })
    .select('id', 'job', 'instance', 'started_at')
  return running
    .filter((r) => {
      const budget = jobs.get(r.job) ? runBudget(jobs.get(r.job)!) : null
      return budget !== null && now > Date.parse(r.started_at) + budget
    })
    .map((r) => ({ id: r.id, job: r.job, instance: r.instance, startedAt: r.started_at }))
}

/** Aborts this instance's own runs that are stuck past their timeout (their job ignored the abort). */
export function abortStuckRuns(runtime: ServeRuntime, now = Date.now()): string[] {
  const aborted: string[] = []
  for (const run of runtime.dispatcher.activeRuns()) {
    const budget = runBudget(run.job)
    if (budget !== null && now > run.startedAt + budget) {
      run.abort('interrupted')
      aborted.push(run.runId)
    }
  }
  return aborted
}

function reportsHealth(job: JobDefinition): boolean {
  const declared = job.jobType.definition.reportsHealth
  return typeof declared === 'function' ? declared(job.options as never) : declared === true
}

/** Jobs that report health (their type says so) whose last run alerted or failed, with its summary. */
export async function unhealthyChecks(
  store: Store,
  jobs: Map<string, JobDefinition>,
): Promise<Array<{ job: string; status: string; summary: string | null; at: string | null }>> {
  const checks = [...jobs.values()].filter((j) => j.core.enabled && reportsHealth(j))
  const last = await Promise.all(checks.map(async (j) => ({ job: j.name, run: await store.runs.lastWorked(j.name) })))
  return last
    .filter(({ run }) => run && run.status !== 'succeeded')
    .map(({ job, run }) => ({ job, status: run!.status, summary: run!.summary ?? run!.error, at: run!.finished_at }))
}

/** "Invalid config in FILE (2 problems):\n  path: message\n…" → "path: message (and 1 more)". */
function firstProblem(error: string): string {
  const lines = error
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  if (lines.length < 2) return lines[0] ?? error
  const more = lines.length - 2
  return `${lines[1]}${more > 0 ? ` (and ${more} more)` : ''}`
}

/**
 * The /health summary: "ok" or "degraded", with every reason. Without `detail` (a caller without the token
 * when reads need it) it names no run, summary, instance or config problem: job data stays behind the token.
 */
export async function healthSummary(ctx: HealthContext, now = Date.now(), detail = true) {
  const reasons: string[] = []
  const live = liveness(ctx, now)
  if (!live.ok) reasons.push(`the scheduler loop has not run for ${live.lastLoopAgeSeconds}s`)
  const ready = await readiness(ctx)
  if (!ready.ok)
    reasons.push(
      `not ready: ${Object.entries(ready.checks)
        .filter(([, v]) => !['loaded', 'reachable', 'current'].includes(v))
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}`,
    )
  let openBreakers: string[] = []
  let deadLetters = 0
  let stuck: Awaited<ReturnType<typeof stuckRuns>> = []
  let failingChecks: Awaited<ReturnType<typeof unhealthyChecks>> = []
  let notices: { pending: number; oldest: string | null } = { pending: 0, oldest: null }
  if (ready.checks.store === 'reachable') {
    notices = await ctx.store.outbox.backlog()
    failingChecks = await unhealthyChecks(ctx.store, ctx.runtime.config.jobs)
    openBreakers = (await ctx.store.breakers.all())
      .filter((b) => b.state !== 'closed')
      .map((b) => `${b.name} (${b.state.replace('_', '-')})`)
    deadLetters = await ctx.store.deadLetters.unresolvedCount()
    stuck = await stuckRuns(ctx.store, ctx.runtime.config.jobs, now)
  }
  if (openBreakers.length) reasons.push(`circuit open: ${openBreakers.join(', ')}`)
  for (const c of failingChecks)
    reasons.push(`health check ${c.job} ${c.status.replace('_', ' ')}${detail && c.summary ? `: ${c.summary}` : ''}`)
  if (notices.oldest && now - Date.parse(notices.oldest) > NOTICE_BACKLOG_MS)
    reasons.push(`${notices.pending} notice(s) undelivered, the oldest since ${notices.oldest}`)
  if (stuck.length)
    reasons.push(
      `${stuck.length} run(s) stuck past their timeout${detail ? `: ${stuck.map((s) => `${s.job} ${s.id}`).join(', ')}` : ''}`,
    )
  const memoryMb = Math.round(process.memoryUsage().rss / 1024 / 1024)
  if (ctx.thresholds.memoryMb && memoryMb > ctx.thresholds.memoryMb)
    reasons.push(`memory ${memoryMb} MB is over ${ctx.thresholds.memoryMb} MB`)
  let diskFreeMb: number | null = null
  const dir =
    ctx.store.database.filename && ctx.store.database.filename !== ':memory:'
      ? path.dirname(ctx.store.database.filename)
      : ctx.runtime.config.dir
  try {
    const fs = await statfs(dir)
    diskFreeMb = Math.round((fs.bavail * fs.bsize) / 1024 / 1024)
    if (ctx.thresholds.diskFreeMb && diskFreeMb < ctx.thresholds.diskFreeMb)
      reasons.push(`disk free ${diskFreeMb} MB is under ${ctx.thresholds.diskFreeMb} MB`)
  } catch {}
  const reloadError = detail
    ? ctx.reloadError()
    : ctx.reloadError() && 'the config on disk is invalid (details need the token)'
  if (reloadError)
    reasons.push(`the config on disk is invalid and was not applied${detail ? `: ${firstProblem(reloadError)}` : ''}`)
  return {
    status: reasons.length ? ('degraded' as const) : ('ok' as const),
    reasons,
    instance: detail ? ctx.instance : null,
    uptimeSeconds: Math.round((now - ctx.startedAt) / 1000),
    jobs: ctx.runtime.config.jobs.size,
    running: ctx.runtime.dispatcher.activeCount,
    openBreakers,
    deadLetters,
    notices,
    stuckRuns: detail ? stuck : [],
    healthChecks: detail ? failingChecks : failingChecks.map((c) => ({ ...c, summary: null })),
    memoryMb,
    diskFreeMb,
    reloadError,
    checks: ready.checks,
  }
}
