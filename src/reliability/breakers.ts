import type { JobDefinition } from '../config/model.js'
import type { ResourceConfig } from '../config/schema/config.js'
import type { Clock } from '../schedule/clock.js'
import type { BreakerRow } from '../state/reliability-repos.js'
import type { Store } from '../state/store.js'

export type Admission = { admitted: true } | { admitted: false; resource: string; until: string | null }

type Verdict = 'success' | 'failure' | 'none'

const iso = (ms: number) => new Date(ms).toISOString()
/** Compare-and-set transitions retried this often when another process moved the breaker meanwhile. */
const CAS_TRIES = 5
/**
 * How stale the shared view of breakers may be. Every run of a guarded job checks its breakers; reading
 * them all at most this often (one query) keeps that cheap, and a breaker opened by another process is
 * seen within this time. Transitions always read fresh and compare-and-set.
 */
const SNAPSHOT_MS = 250

/**
 * Circuit breakers on shared resources ('db:warehouse'), with their state in the store so every run and
 * process sees the same breaker: a run in CI is skipped while a serve instance has the breaker open.
 * Closed: runs go through, consecutive failures are counted; at `failures` it opens. Open: runs are skipped
 * (circuit-open) until `halfOpenAfter` has passed; then one run is let through as a trial (half-open): its
 * success closes the breaker, its failure opens it again.
 */
export class Breakers {
  private snapshot: { at: number; rows: Promise<Map<string, BreakerRow>> } | null = null

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly resources: Record<string, ResourceConfig>,
  ) {}

  /** The resources of a job that have a breaker configured. */
  guardedResources(job: JobDefinition): string[] {
    const declared = [
      ...(job.jobType.definition.resources?.(job.options as never) ?? []),
      ...(job.core.resources ?? []),
    ]
    return [...new Set(declared)].filter((r) => this.resources[r]?.breaker)
  }

  private view(): Promise<Map<string, BreakerRow>> {
    const now = this.clock.now()
    if (!this.snapshot || now - this.snapshot.at > SNAPSHOT_MS) {
      this.snapshot = { at: now, rows: this.store.breakers.all().then((rows) => new Map(rows.map((r) => [r.name, r]))) }
    }
    return this.snapshot.rows
  }

  /** After a transition, the next check reads afresh. */
  private invalidate(): void {
    this.snapshot = null
  }

  async admit(job: JobDefinition, runId: string): Promise<Admission> {
    const trials: string[] = []
    for (const name of this.guardedResources(job)) {
      const admission = await this.admitOne(name, runId)
      if (admission === 'trial') trials.push(name)
      else if (admission !== 'closed') {
        for (const t of trials) await this.release(t, runId)
        return { admitted: false, resource: name, until: admission.until }
      }
    }
    return { admitted: true }
  }

  private async admitOne(name: string, runId: string): Promise<'closed' | 'trial' | { until: string | null }> {
    const policy = this.resources[name].breaker!
    const seen = (await this.view()).get(name)
    if (!seen || seen.state === 'closed') return 'closed'
    for (let i = 0; i < CAS_TRIES; i++) {
      const b = (await this.store.breakers.get(name))!
      const now = this.clock.now()
      if (b.state === 'closed') return 'closed'
      if (b.state === 'half_open') {
        if (await this.trialStillRunning(b.trial_run_id, now)) return { until: null }
      } else {
        const since = Date.parse(b.opened_at ?? b.updated_at)
        if (now < since + policy.halfOpenAfter) return { until: iso(since + policy.halfOpenAfter) }
      }
      // Open long enough, or a half-open trial whose run ended without a verdict or was lost: let this run try.
      if (
        await this.store.breakers.transition(name, b, { state: 'half_open', trial_run_id: runId, updated_at: iso(now) })
      ) {
        this.invalidate()
        return 'trial'
      }
    }
    return { until: null }
  }

  /** A trial is running while its run row is running or queued and its owner still vouches for it. */
  private async trialStillRunning(runId: string | null, now: number): Promise<boolean> {
    if (!runId) return false
    const run = await this.store.runs.get(runId)
    return (
      !!run &&
      (run.status === 'running' || run.status === 'queued') &&
      (!run.lease_until || Date.parse(run.lease_until) > now)
    )
  }

  /** A trial admitted for a run that then did not start: the breaker goes back to open. */
  private async release(name: string, runId: string): Promise<void> {
    const b = await this.store.breakers.get(name)
    if (b?.state === 'half_open' && b.trial_run_id === runId)
      await this.store.breakers.transition(name, b, {
        state: 'open',
        trial_run_id: null,
        updated_at: iso(this.clock.now()),
      })
    this.invalidate()
  }

  /** Feeds a finished run's status to its breakers; returns those this run opened. */
  async record(job: JobDefinition, runId: string, status: string): Promise<string[]> {
    const verdict: Verdict =
      status === 'succeeded' || status === 'alert'
        ? 'success'
        : status === 'failed' || status === 'timed_out'
          ? 'failure'
          : 'none'
    const opened: string[] = []
    for (const name of this.guardedResources(job)) if (await this.recordOne(name, runId, verdict)) opened.push(name)
    return opened
  }

  /** True when this verdict opened the breaker. */
  private async recordOne(name: string, runId: string, verdict: Verdict): Promise<boolean> {
    const policy = this.resources[name].breaker!
    // The common case — a success on a healthy breaker — changes nothing and needs no fresh read.
    const seen = (await this.view()).get(name)
    if (verdict !== 'failure' && (!seen || (seen.state === 'closed' && seen.failures === 0))) return false
    if (verdict === 'failure' && !seen) await this.store.breakers.ensure(name, iso(this.clock.now()))
    for (let i = 0; i < CAS_TRIES; i++) {
      const b = await this.store.breakers.get(name)
      if (!b) return false
      const next = this.next(b, runId, verdict, policy.failures)
      if (!next) return false
      if (await this.store.breakers.transition(name, b, { ...next, updated_at: iso(this.clock.now()) })) {
        this.invalidate()
        return next.state === 'open' && b.state !== 'open'
      }
    }
    return false
  }

  private next(b: BreakerRow, runId: string, verdict: Verdict, threshold: number): Partial<BreakerRow> | null {
    const now = iso(this.clock.now())
    const isTrial = b.state === 'half_open' && b.trial_run_id === runId
    if (verdict === 'success') {
      if (isTrial || (b.state === 'closed' && b.failures > 0))
        return { state: 'closed', failures: 0, opened_at: null, trial_run_id: null }
      return null
    }
    if (verdict === 'failure') {
      if (isTrial) return { state: 'open', failures: b.failures + 1, opened_at: now, trial_run_id: null }
      if (b.state === 'closed')
        return b.failures + 1 >= threshold
          ? { state: 'open', failures: b.failures + 1, opened_at: now }
          : { failures: b.failures + 1 }
      return null
    }
    // No verdict (interrupted, skipped): a trial that did not finish leaves the breaker open.
    return isTrial ? { state: 'open', trial_run_id: null } : null
  }
}
