import type { JobDefinition } from '../config/model.js'
import type { JobLogger } from '../run/job-type.js'
import { type RunOutcome, recordedOutcome } from '../run/outcome.js'
import { type RunRecorder, claimFor } from '../run/recorder.js'
import type { Store } from '../state/store.js'
import type { Dispatcher } from './dispatcher.js'

const NOT_A_CYCLE = new Set(['missed', 'queued', 'running'])

export interface DependencyContext {
  jobs(): Map<string, JobDefinition>
  store: Store
  recorder: RunRecorder
  dispatcher: Dispatcher
  isPaused(job: string): boolean
  log: JobLogger
}

/**
 * `after` in serve. A downstream job runs when every upstream job has succeeded since the downstream last
 * ran (one cycle); an upstream that fails, times out, alerts or is skipped makes the downstream's cycle
 * `skipped` (upstream-failed) instead. Everything is read from the store, so restarts and several instances
 * agree, and the cycle's instant (the newest upstream occurrence) is claimed, so a cycle runs once.
 */
export class DependencyTracker {
  private indexedFor: Map<string, JobDefinition> | null = null
  private byUpstream = new Map<string, JobDefinition[]>()

  constructor(private readonly ctx: DependencyContext) {}

  /** Jobs waiting for `job`, from an index rebuilt only when the config (its jobs map) changes. */
  private downstreamOf(job: string): JobDefinition[] {
    const jobs = this.ctx.jobs()
    if (jobs !== this.indexedFor) {
      this.byUpstream = new Map()
      for (const j of jobs.values()) {
        if (!j.core.enabled) continue
        for (const up of j.after) this.byUpstream.set(up, [...(this.byUpstream.get(up) ?? []), j])
      }
      this.indexedFor = jobs
    }
    return this.byUpstream.get(job) ?? []
  }

  /** Whether any enabled job runs after `job` (most do not: their outcomes need no dependency check). */
  hasDownstream(job: string): boolean {
    return this.downstreamOf(job).length > 0
  }

  async onOutcome(outcome: RunOutcome): Promise<void> {
    if (NOT_A_CYCLE.has(outcome.status)) return
    const downstream = this.downstreamOf(outcome.job)
    if (!downstream.length) return
    for (const down of downstream) {
      try {
        if (outcome.status === 'succeeded') await this.maybeRun(down)
        else await this.skip(down, outcome)
      } catch (err) {
        this.ctx.log.error(
          `dependency check for ${down.name} failed: ${err instanceof Error ? err.message : String(err)}`,
          { job: down.name },
        )
      }
    }
  }

  private cycleInstant(o: { scheduledFor: string | null; finishedAt: string }): number {
    return Date.parse(o.scheduledFor ?? o.finishedAt)
  }

  private async maybeRun(down: JobDefinition): Promise<void> {
    const knex = this.ctx.store.knex
    const lastDown = await knex('runs')
      .where({ job: down.name })
      .whereNotIn('status', ['missed'])
      .orderBy('created_at', 'desc')
      .first('created_at')
    const since: string = lastDown?.created_at ?? ''
    let cycle = 0
    for (const up of down.after) {
      const latest = await knex('runs')
        .where({ job: up })
        .whereNotIn('status', ['running', 'queued', 'missed'])
        .andWhere('finished_at', '>', since)
        .orderBy('finished_at', 'desc')
        .first('status', 'scheduled_for', 'finished_at')
      if (!latest || latest.status !== 'succeeded') return
      cycle = Math.max(cycle, this.cycleInstant({ scheduledFor: latest.scheduled_for, finishedAt: latest.finished_at }))
    }
    if (this.ctx.isPaused(down.name)) {
      await this.ctx.recorder.recordTerminal(
        down,
        'schedule',
        cycle,
        { status: 'skipped', reason: 'paused', attempts: 0, summary: 'the job is paused' },
        { claim: claimFor(cycle) },
      )
      return
    }
    await this.ctx.dispatcher.submit({ job: down, trigger: 'schedule', occurrence: cycle, claim: true })
  }

  private async skip(down: JobDefinition, upstream: RunOutcome): Promise<void> {
    const cycle = this.cycleInstant(upstream)
    const summary = `upstream job "${upstream.job}" ${upstream.status === 'skipped' ? 'was skipped' : upstream.status === 'alert' ? 'raised an alert' : upstream.status.replace('_', ' ')}`
    const rec = await this.ctx.recorder.recordTerminal(
      down,
      'schedule',
      cycle,
      { status: 'skipped', reason: 'upstream-failed', attempts: 0, summary },
      { claim: claimFor(cycle) },
    )
    if (!rec) return
    // The skip is itself an outcome: jobs waiting for this one are skipped in turn.
    await this.onOutcome(
      recordedOutcome(down, 'schedule', cycle, { status: 'skipped', reason: 'upstream-failed', summary }, rec),
    )
  }
}
