import type { JobDefinition } from '../config/model.js'
import { runNotice } from '../notify/format.js'
import { noticeEventsFor } from '../notify/policy.js'
import { redactDeep } from '../reliability/redact.js'
import type { JobStateRow } from '../state/job-state.js'
import type { NewNotice } from '../state/outbox.js'
import { isoInstant } from './iso-instant.js'
import { toJsonSafe } from './json-safe.js'
import type { RunOutcome } from './outcome.js'
import type { RunServices } from './services.js'

const FINAL_FAILURE = new Set(['failed', 'timed_out'])

/** Whether a finished run of this job has anything to do after it (a state read is needed only then). */
export function needsAfterRun(job: JobDefinition, services: RunServices): boolean {
  return Boolean(job.core.notify?.length || job.core.onFailure || services.breakers.guardedResources(job).length)
}

/**
 * The notices a run's end sends (once per streak), as outbox rows for the caller to commit with the run's end
 * (recorder.finish): a run is never recorded terminal without them. `before` is the job's state before this
 * run. Nothing for jobs without `notify` (no work on their path), for types that manage their own notices,
 * and under --no-notify.
 */
export function runEndNotices(
  job: JobDefinition,
  outcome: RunOutcome,
  before: JobStateRow | undefined,
  services: RunServices,
): NewNotice[] {
  const names = job.core.notify
  if (!names?.length || job.jobType.definition.managesNotices) return []
  if (!services.notifier.enabled) {
    services.logger.debug({ job: job.name, run: outcome.id }, 'notifications are off (--no-notify)')
    return []
  }
  const streak = { failures: before?.consecutive_failures ?? 0, lastStatus: before?.last_status ?? null }
  return noticeEventsFor(outcome, streak, job.core.notifyOn).flatMap((event) =>
    services.notifier.rowsFor(names, runNotice(event, outcome), { event, job: job.name, runId: outcome.id }),
  )
}

/**
 * What follows a finished run, for every job type and every way of running (run, run --due, serve,
 * replay): its breakers hear the verdict, a final failure becomes a dead letter, and `onFailure` pauses and
 * escalates a job that keeps failing. The run's own notices were committed with its end (runEndNotices).
 * `before` is the job's state before this run was recorded.
 */
export async function afterRun(
  job: JobDefinition,
  outcome: RunOutcome,
  before: JobStateRow | undefined,
  services: RunServices,
): Promise<void> {
  const now = services.clock.now()
  if (services.breakers.guardedResources(job).length) {
    for (const resource of await services.breakers.record(job, outcome.id, outcome.status)) {
      services.logger.error(
        { job: job.name, run: outcome.id, resource },
        `breaker ${resource} opened: its jobs are skipped (circuit-open) until a trial run succeeds`,
      )
    }
  }
  if (FINAL_FAILURE.has(outcome.status) && outcome.trigger !== 'replay') {
    await services.store.deadLetters.add({
      run_id: outcome.id,
      job: job.name,
      type: job.type,
      options: JSON.stringify(redactDeep(toJsonSafe(job.options))),
      error: outcome.error ?? null,
      attempts: outcome.attempts,
      scheduled_for: outcome.scheduledFor,
      failed_at: outcome.finishedAt,
    })
  }
  const policy = job.core.onFailure
  if (!policy || !FINAL_FAILURE.has(outcome.status)) return
  const failures = (before?.consecutive_failures ?? 0) + 1
  if (failures < policy.after) return
  if (policy.pause && !before?.paused) {
    const detail = `paused automatically after ${failures} consecutive failures`
    await services.store.control.setPaused(job.name, true, isoInstant(now), detail)
    await services.store.actions.record(job.name, 'pause', detail, outcome.id, isoInstant(now))
    services.logger.error({ job: job.name, run: outcome.id }, detail)
  }
  if (policy.escalate.length) {
    const last = await services.store.actions.lastAt(job.name, 'escalate')
    if (last && now - Date.parse(last) < policy.cooldown) return
    const queued = await services.notifier.send(
      policy.escalate,
      runNotice('escalation', outcome, { consecutive_failures: failures }),
      { event: 'escalation', job: job.name, runId: outcome.id },
    )
    // A queued escalation starts the cooldown (the outbox delivers it, or records it expired); one that
    // could not be queued (--no-notify) is recorded as such and tried again at the next failure.
    const action = queued.length ? 'escalate' : 'escalate-undelivered'
    const detail = queued.length
      ? `escalated to ${queued.map((q) => q.notifier).join(', ')} after ${failures} consecutive failures (notices ${queued.map((q) => q.key).join(', ')})`
      : `could not escalate after ${failures} consecutive failures (${services.notifier.enabled ? 'the notice could not be queued' : 'notifications are off'})`
    await services.store.actions.record(job.name, action, detail, outcome.id, isoInstant(now))
    services.logger.warn({ job: job.name, run: outcome.id }, detail)
  }
}
