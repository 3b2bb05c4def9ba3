import os from 'node:os'
import type { JobDefinition } from '../config/model.js'
import type { JobLogger, RunTrigger } from '../run/job-type.js'
import { LEASE_MS, type RunRecorder } from '../run/recorder.js'
import type { Clock } from '../schedule/clock.js'
import type { Store } from '../state/store.js'
import type { RunRowWithControl } from '../state/run-control.js'
import type { Dispatcher } from './dispatcher.js'
import { stopOrphanGroup } from './orphans.js'

export interface RecoveryContext {
  store: Store
  recorder: RunRecorder
  dispatcher: Dispatcher
  jobs(): Map<string, JobDefinition>
  instance: string
  clock: Clock
  log: JobLogger
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Instance ids (host:pid) of processes on this machine that no longer exist: their runs are lost now. */
async function deadLocalOwners(ctx: RecoveryContext): Promise<string[]> {
  const host = os.hostname()
  return (await ctx.store.control.owners()).filter((owner) => {
    const m = /^(.*):(\d+)$/.exec(owner)
    if (!m || m[1] !== host || owner === ctx.instance) return false
    try {
      process.kill(Number(m[2]), 0)
      return false
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH'
    }
  })
}

/**
 * Finds runs whose process died (their lease expired) and takes them over: a queued run that never started
 * is started here; a running one has what is left of its process group stopped, is recorded `interrupted`
 * and, if its job's retry policy has attempts left, its occurrence runs again with the remaining attempts
 * (those made before the crash count).
 */
export async function recoverExpiredRuns(ctx: RecoveryContext): Promise<number> {
  const now = ctx.clock.now()
  const expired = [
    ...(await ctx.store.control.expiredRuns(iso(now))),
    ...(await ctx.store.control.runsOf(await deadLocalOwners(ctx))),
  ]
  let recovered = 0
  const seen = new Set<string>()
  for (const row of expired as RunRowWithControl[]) {
    if (seen.has(row.id)) continue
    seen.add(row.id)
    if (!(await ctx.store.control.takeOver(row, ctx.instance, iso(now + LEASE_MS)))) continue
    recovered++
    const job = ctx.jobs().get(row.job)
    const occurrence = row.scheduled_for ? Date.parse(row.scheduled_for) : null
    const run = { id: row.id, row: { ...row, instance: ctx.instance, lease_until: iso(now + LEASE_MS) } }
    if (row.status === 'queued' && job) {
      ctx.log.info(`${row.job}: starting queued run ${row.id} left by ${row.instance}`, { job: row.job })
      void ctx.dispatcher.resume({ job, trigger: row.trigger as RunTrigger, occurrence, claim: !!row.claim }, run)
      continue
    }
    const orphan = row.status === 'running' ? await stopOrphanGroup(row, ctx.store, ctx.log, iso(now)) : null
    const attempts = (await ctx.store.control.attemptCount(row.id)) + (row.status === 'running' ? 1 : 0)
    // The occurrence's claim moves aside, so a retry can claim it again.
    const released = { ...run.row, claim: row.claim ? `${row.claim}#${row.id}`.slice(0, 64) : null }
    const abandoned = {
      ...released,
      status: 'interrupted' as const,
      reason: 'process-lost',
      finished_at: iso(now),
      attempts,
      lease_until: null,
      error: `the process running it (${row.instance}) stopped before it finished${orphan ? `; ${orphan}` : ''}`,
    }
    await ctx.store.batcher.write({ kind: 'update', row: abandoned })
    await ctx.store.batcher.write({
      kind: 'outcome',
      job: row.job,
      status: 'interrupted',
      runId: row.id,
      at: iso(now),
      failed: false,
      succeeded: false,
    })
    ctx.log.warn(`${row.job}: run ${row.id} on ${row.instance} was lost (its process is gone); recorded interrupted`, {
      job: row.job,
    })
    const allowed = job?.core.retry?.attempts ?? 1
    if (job && row.claim && occurrence !== null && attempts < allowed) {
      ctx.log.info(`${row.job}: retrying the occurrence ${row.scheduled_for} (attempt ${attempts + 1} of ${allowed})`, {
        job: row.job,
      })
      void ctx.dispatcher.submit({
        job,
        trigger: 'catchup',
        occurrence,
        claim: true,
        chained: true,
        priorAttempts: attempts,
      })
    }
  }
  return recovered
}
