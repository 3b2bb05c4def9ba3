import { type PruneReport, type PruneTarget, pruneStore } from './retention-prune.js'
import { RetentionRepository, type RunPolicy } from './retention.js'
import type { Store } from './store.js'

/** A pruner holds the lease this long without renewing it; a crashed one is replaced after that. */
export const LEASE_TTL_MS = 15 * 60_000

export interface RetentionLoopOptions {
  store: Store
  instance: string
  /** Read at each prune (serve reloads its config). */
  targets: () => PruneTarget[]
  defaults: () => RunPolicy & { pruneEvery: number }
  log: {
    info(msg: string, extra?: Record<string, unknown>): void
    warn(msg: string, extra?: Record<string, unknown>): void
  }
  onPruned?: (report: PruneReport) => void
  /** Rows per delete at most (default DEFAULT_BATCH); sized down by time, so a write transaction is short. */
  batchSize?: number
  /** Between batches (default DEFAULT_PAUSE_MS): the scheduler's writes get the database. */
  pauseMs?: number
  /** How long the lease outlives its last renewal (default 15 min). */
  leaseTtlMs?: number
}

/**
 * serve's background pruning: every `pruneEvery`, one instance at a time (a lease row), in small batches
 * with pauses between them, so fires and run writes never wait behind it. Stopping aborts it between batches.
 */
export function startRetentionLoop(options: RetentionLoopOptions): {
  stop(): Promise<void>
  pruneNow(): Promise<PruneReport | null>
} {
  const repo = new RetentionRepository(options.store.knex)
  const controller = new AbortController()
  let timer: NodeJS.Timeout | null = null
  let current: Promise<PruneReport | null> | null = null

  const ttl = options.leaseTtlMs ?? LEASE_TTL_MS
  const prune = async (): Promise<PruneReport | null> => {
    if (!(await repo.takeLease(options.instance, Date.now(), ttl))) return null
    // A large store takes longer than the lease's TTL: renewed while pruning, or another instance takes over.
    const renew = setInterval(() => {
      repo.takeLease(options.instance, Date.now(), ttl).catch(() => {})
    }, ttl / 3)
    renew.unref?.()
    try {
      const report = await pruneStore(options.store, {
        targets: options.targets(),
        defaults: options.defaults(),
        dryRun: false,
        now: Date.now(),
        batchSize: options.batchSize,
        pauseMs: options.pauseMs,
        signal: controller.signal,
        onError: (what, err) =>
          options.log.warn(`retention: ${what} failed: ${err instanceof Error ? err.message : String(err)}`),
      })
      if (report.totals.runs || report.totals.plugin)
        options.log.info(`retention: pruned ${report.totals.runs} run(s), ${report.totals.plugin} plugin row(s)`, {
          pruned: report.totals,
        })
      options.onPruned?.(report)
      return report
    } finally {
      clearInterval(renew)
      await repo.releaseLease(options.instance).catch(() => {})
    }
  }

  const pruneNow = (): Promise<PruneReport | null> => {
    current ??= prune()
      .catch((err) => {
        options.log.warn(`retention: pruning failed: ${err instanceof Error ? err.message : String(err)}`)
        return null
      })
      .finally(() => {
        current = null
      })
    return current
  }

  const schedule = (ms: number) => {
    // setTimeout takes at most 2^31-1 ms (~24.8 days); a longer pruneEvery waits that long, then again.
    timer = setTimeout(
      () => {
        void pruneNow().finally(() => {
          if (!controller.signal.aborted) schedule(options.defaults().pruneEvery)
        })
      },
      Math.min(ms, 2_147_483_647),
    )
    timer.unref?.()
  }
  schedule(Math.min(60_000, options.defaults().pruneEvery))

  return {
    pruneNow,
    async stop() {
      controller.abort()
      if (timer) clearTimeout(timer)
      await current
    },
  }
}
