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
  /** Rows per delete at most (one short transaction each; fewer while batches take longer than STEP_TARGET_MS). */
  batchSize?: number
  /** A pause between batches, so writers (the scheduler, here or in another process) get the database in between. */
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
/**
 * Rows per delete at most and the pause after each batch: a step of ~10 ms then 10 ms for everyone else.
 * SQLite's busy handler retries a waiting writer after 1, 3, 8 and 18 ms, so one always gets in within a
 * pause; at 10,000,000 runs this deletes ~25,000 runs/s (20 ms pauses and 200 rows: 8,000/s).
 */
export const DEFAULT_BATCH = 1000
export const DEFAULT_PAUSE_MS = 10
const MIN_BATCH = 10
const MIN_VACUUM_PAGES = 8

const COUNT_KEYS = ['runs', 'run_attempts', 'notifications', 'notices'] as const
const iso = (ms: number) => new Date(ms).toISOString()
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Applies the retention rules (docs/operations.md) to the store, in small batches. */
export async function pruneStore(store: Store, options: PruneOptions): Promise<PruneReport> {
  const repo = new RetentionRepository(store.knex)
  const batch = options.batchSize ?? DEFAULT_BATCH
  // A batch that took long (pages not cached) is halved, so no write transaction holds the lock for long.
  const sizer = new StepSizer(batch, Math.min(batch, MIN_BATCH), STEP_TARGET_MS)
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS
  const pause = (): Promise<void> => (pauseMs ? sleep(pauseMs) : new Promise<void>((r) => setImmediate(r)))
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
      const step = (ids: string[]) => (options.dryRun ? repo.countRuns(ids) : repo.deleteRuns(ids))
      const add = (done: PruneCounts) => {
        for (const k of COUNT_KEYS) counts[k] += done[k]
      }
      // Oldest first: an interrupted prune has removed the oldest history, and the pages freed last are the
      // ones at the file's end, which incremental vacuum then gives back at once (freed first, they sit at
      // the far end of SQLite's free list, and each one costs a walk of the whole list: hours at 10M runs).
      // The newest run of each status below the cutoff is held back until a newer one of that status is met;
      // those still held at the end stay unless a kept run has the same status.
      const held = new Map<string, string>()
      let after: RunCursor | undefined
      while (!aborted()) {
        const done = await sizer.step(async (size) => {
          const page = await repo.oldestFirst(job, size, cutoff, after)
          if (!page.length) return null
          after = page[page.length - 1]
          const ids: string[] = []
          for (const run of page) {
            const previous = held.get(run.status)
            if (previous !== undefined) ids.push(previous)
            held.set(run.status, run.id)
          }
          return step(ids)
        })
        if (!done) break
        add(done)
        await pause()
      }
      if (!aborted()) {
        const kept = new KeptStatuses(repo, job, cutoff)
        const last: string[] = []
        for (const [status, id] of held) if (await kept.has(status)) last.push(id)
        add(await step(last))
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
