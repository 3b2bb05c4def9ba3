import {
  type PruneCounts,
  RetentionRepository,
  type RunCursor,
  type RunPolicy,
  VACUUM_STEP_PAGES,
} from './retention.js'
import { KeptStatuses } from './retention-statuses.js'
import { StepSizer } from './step-sizer.js'
import type { Store } from './store.js'

const DAY = 86_400_000
/** Sent notices are kept this long after delivery; expired ones (the outbox's dead letters) this long after they expired. */
export const OUTBOX_SENT_KEEP_MS = 7 * DAY
export const OUTBOX_EXPIRED_KEEP_MS = 30 * DAY
/** Dead letters resolved by a replay go this long after; unresolved ones follow the top-level maxAge. */
export const RESOLVED_LETTER_KEEP_MS = 30 * DAY
/** Handled `circadian trigger` requests. */
export const REQUEST_KEEP_MS = 7 * DAY

/** One job's runs, under its policy, and its type's own tables (a plugin's `prune`). */
export interface PruneTarget {
  job: string
  policy: RunPolicy
  pluginPrune?: (dryRun: boolean, signal: AbortSignal) => Promise<{ deleted: number }>
}

export interface PruneOptions {
  /** Jobs of the config; jobs only in the store (removed from the config) follow `defaults`. */
  targets: PruneTarget[]
  defaults: RunPolicy
  dryRun: boolean
  now: number
  /** Rows per delete (one short transaction each). */
  batchSize?: number
  /** A pause between batches, so writers (the scheduler) get the database in between. */
  pauseMs?: number
  signal?: AbortSignal
  /** SQLite: VACUUM once to switch an existing file to incremental auto-vacuum. */
  vacuum?: boolean
  onError?: (what: string, err: unknown) => void
}

export interface PruneReport {
  dryRun: boolean
  jobs: Array<{ job: string; cutoff: string | null } & PruneCounts & { plugin: number }>
  totals: PruneCounts & { plugin: number }
  other: {
    noticesSent: number
    noticesExpired: number
    deadLettersResolved: number
    deadLettersUnresolved: number
    notifications: number
    actions: number
    requests: number
  }
  space: 'incremental' | 'vacuumed' | 'none' | 'not-sqlite' | 'skipped'
}

/** What one batch or vacuum step should take at most; slower ones make the next smaller. */
const STEP_TARGET_MS = 10
const MIN_BATCH = 10
const MIN_VACUUM_PAGES = 8

const COUNT_KEYS = ['runs', 'run_attempts', 'notifications', 'notices'] as const
const iso = (ms: number) => new Date(ms).toISOString()
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Applies the retention rules (docs/operations.md) to the store, in small batches. */
export async function pruneStore(store: Store, options: PruneOptions): Promise<PruneReport> {
  const repo = new RetentionRepository(store.knex)
  const batch = options.batchSize ?? 500
  // A batch that took long (pages not cached) is halved, so no write transaction holds the lock for long.
  const sizer = new StepSizer(batch, Math.min(batch, MIN_BATCH), STEP_TARGET_MS)
  const pause = (): Promise<void> =>
    options.pauseMs ? sleep(options.pauseMs) : new Promise<void>((r) => setImmediate(r))
  const aborted = () => options.signal?.aborted === true
  const report: PruneReport = {
    dryRun: options.dryRun,
    jobs: [],
    totals: { runs: 0, run_attempts: 0, notifications: 0, notices: 0, plugin: 0 },
    other: {
      noticesSent: 0,
      noticesExpired: 0,
      deadLettersResolved: 0,
      deadLettersUnresolved: 0,
      notifications: 0,
      actions: 0,
      requests: 0,
    },
    space: 'skipped',
  }
  const configured = new Map(options.targets.map((t) => [t.job, t]))
  const jobs = [...new Set([...options.targets.map((t) => t.job), ...(await repo.jobsWithRuns())])]
  for (const job of jobs) {
    if (aborted()) break
    const target = configured.get(job) ?? { job, policy: options.defaults }
    const cutoff = await repo.cutoff(job, target.policy, options.now)
    const counts: PruneCounts = { runs: 0, run_attempts: 0, notifications: 0, notices: 0 }
    if (cutoff) {
      // Newest first, so the first run of a status met below the cutoff is that status's newest one there:
      // it stays unless a kept run (at or after the cutoff) has the same status.
      const kept = new KeptStatuses(repo, job, cutoff)
      const met = new Set<string>()
      let after: RunCursor | undefined
      while (!aborted()) {
        const done = await sizer.step(async (size) => {
          const page = await repo.newestFirst(job, size, { before: cutoff, after, settledOnly: true })
          if (!page.length) return null
          after = page[page.length - 1]
          const ids: string[] = []
          for (const run of page) {
            if (!met.has(run.status)) {
              met.add(run.status)
              if (!(await kept.has(run.status))) continue
            }
            ids.push(run.id)
          }
          return options.dryRun ? repo.countRuns(ids) : repo.deleteRuns(ids)
        })
        if (!done) break
        for (const k of COUNT_KEYS) counts[k] += done[k]
        await pause()
      }
    }
    let plugin = 0
    if (target.pluginPrune && !aborted()) {
      try {
        plugin = (await target.pluginPrune(options.dryRun, options.signal ?? new AbortController().signal)).deleted
      } catch (err) {
        options.onError?.(`pruning ${job}'s own tables`, err)
      }
    }
    report.jobs.push({ job, cutoff, ...counts, plugin })
    for (const k of COUNT_KEYS) report.totals[k] += counts[k]
    report.totals.plugin += plugin
  }
  if (!aborted()) {
    const older = (
      table: string,
      column: string,
      keepMs: number,
      where: Parameters<RetentionRepository['pruneOlder']>[3],
    ) => repo.pruneOlder(table, column, iso(options.now - keepMs), where, options.dryRun, batch, pause)
    report.other.noticesSent = await older('notices', 'sent_at', OUTBOX_SENT_KEEP_MS, (q) =>
      q.where({ status: 'sent' }),
    )
    report.other.noticesExpired = await older('notices', 'expires_at', OUTBOX_EXPIRED_KEEP_MS, (q) =>
      q.where({ status: 'expired' }),
    )
    report.other.deadLettersResolved = await older('dead_letters', 'resolved_at', RESOLVED_LETTER_KEEP_MS, (q) =>
      q.whereNotNull('resolved_at'),
    )
    report.other.deadLettersUnresolved = await older('dead_letters', 'failed_at', options.defaults.maxAge, (q) =>
      q.whereNull('resolved_at'),
    )
    report.other.notifications = await older('notifications', 'created_at', options.defaults.maxAge, () => {})
    report.other.actions = await older('actions', 'created_at', options.defaults.maxAge, () => {})
    report.other.requests = await older('requests', 'created_at', REQUEST_KEEP_MS, (q) => q.whereNotNull('handled_at'))
  }
  if (!options.dryRun)
    report.space = await repo.reclaimSpace(
      options.vacuum === true,
      new StepSizer(VACUUM_STEP_PAGES, MIN_VACUUM_PAGES, STEP_TARGET_MS),
      pause,
      aborted,
    )
  return report
}
