import { handleWhen, retry } from 'cockatiel'
import type { JobDefinition } from '../config/model.js'
import { redact, redactDeep } from '../reliability/redact.js'
import type { RunStatus } from '../state/runs.js'
import { runNotice } from '../notify/format.js'
import { afterRun, needsAfterRun, runEndNotices } from './after-run.js'
import { AttemptAborted, CancelReason, runAttempt } from './attempt.js'
import { backoffFor } from './backoff.js'
import { createJobContext } from './context.js'
import { isoInstant } from './iso-instant.js'
import { isPermanentError, JobError, type RunResult, type RunTrigger } from './job-type.js'
import { toJsonSafe } from './json-safe.js'
import type { RunOutcome } from './outcome.js'
import { type RecordedRun, RunRecorder, type RunEnd } from './recorder.js'
import { parseRunResult } from './run-result.js'
import type { StopSignal } from './run-stop.js'
import type { RunServices } from './services.js'

export interface RunRequest {
  trigger: RunTrigger
  scheduledFor?: number | null
  /** Aborting it interrupts the run (shutdown); its reason may be 'replaced'. */
  signal?: StopSignal
  /** A row already written for this run (the scheduler claims occurrences before it runs them). */
  recorded?: RecordedRun
  /** Attempts an earlier run of this occurrence made before its process died: they count against `retry`. */
  priorAttempts?: number
  /** Told when the job's work is over (its attempts ended, or it was not admitted), before its end is recorded. */
  onWorkDone?(): void
}

/** How long a job that ignores its aborted signal is waited for, unless its type says otherwise. */
export const DEFAULT_STOP_GRACE_MS = 12_000

const RESULT_STATUS: Record<RunResult['status'], RunStatus> = { ok: 'succeeded', alert: 'alert', skipped: 'skipped' }

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}

function abortedBeforeAttempt(reason: unknown): AttemptAborted {
  if (reason instanceof CancelReason) return new AttemptAborted('cancelled', reason.message)
  return new AttemptAborted(reason === 'replaced' ? 'replaced' : 'interrupted')
}

function validResult(value: unknown, type: string): RunResult {
  const result = parseRunResult(value)
  if (!result)
    throw new JobError(
      `job type "${type}" returned an invalid result (expected { status: 'ok' | 'alert' | 'skipped', summary?, data? })`,
    )
  return result
}

function endFromError(err: unknown, attempts: number): RunEnd {
  if (err instanceof AttemptAborted) {
    const inner = err.jobError instanceof JobError ? err.jobError : undefined
    return {
      status: err.abortCause === 'timeout' ? 'timed_out' : 'interrupted',
      reason: err.abortCause === 'replaced' || err.abortCause === 'cancelled' ? err.abortCause : null,
      attempts,
      error: err.message,
      output: inner?.output,
      data: inner?.data,
    }
  }
  const jobError = err instanceof JobError ? err : undefined
  return {
    status: 'failed',
    reason: isPermanentError(err) ? 'permanent' : (jobError?.reason ?? null),
    attempts,
    error: messageOf(err),
    output: jobError?.output,
    data: jobError?.data,
  }
}

/**
 * One run of a job: a row before it starts, each attempt recorded, retries with backoff per the job's
 * policy (a timeout is retried, an interruption is not), and a terminal status at the end.
 */
export async function executeRun(job: JobDefinition, request: RunRequest, services: RunServices): Promise<RunOutcome> {
  const recorder = new RunRecorder(services.store, services.clock, services.instance)
  const scheduledFor = request.scheduledFor ?? null
  const run = request.recorded ?? (await recorder.start(job, request.trigger, scheduledFor))!
  if (run.row.status === 'queued') await recorder.markRunning(run)
  services.events?.onStart?.(job.name, run.id)
  const policies = needsAfterRun(job, services)

  const admission = policies ? await services.breakers.admit(job, run.id) : ({ admitted: true } as const)
  if (!admission.admitted) {
    request.onWorkDone?.()
    const summary = `circuit ${admission.resource} is open${admission.until ? ` until ${admission.until}` : ' (a trial run is in progress)'}`
    return finishRun(
      job,
      run,
      request,
      recorder,
      { status: 'skipped', reason: 'circuit-open', attempts: 0, summary },
      services,
      false,
    )
  }

  const policy = job.core.retry
  const allowed = (policy?.attempts ?? 1) - (request.priorAttempts ?? 0)
  /** Attempts with retries and backoff (cockatiel); a timed-out attempt is retried, an interrupted one not. */
  const withRetries = (attempt: () => Promise<RunResult>): Promise<RunResult> => {
    if (!policy || allowed <= 1) return attempt()
    const retryPolicy = retry(
      handleWhen((err) => !(err instanceof AttemptAborted && err.abortCause !== 'timeout') && !isPermanentError(err)),
      { maxAttempts: allowed - 1, backoff: backoffFor(policy) },
    )
    retryPolicy.onRetry((event) => {
      const error = 'error' in event ? redact(messageOf(event.error)) : 'failed'
      services.events?.onRetry?.(job.name, { attempt: event.attempt + 1, delayMs: event.delay, error })
      if (job.core.notify?.length && job.core.notifyOn.includes('retry') && !job.jobType.definition.managesNotices) {
        const partial = {
          job: job.name,
          id: run.id,
          status: 'running' as const,
          error,
          attempts: event.attempt,
          scheduledFor: scheduledFor === null ? null : isoInstant(scheduledFor),
          trigger: request.trigger,
        }
        void services.notifier.send(
          job.core.notify,
          runNotice('retry', partial, { retry_in_ms: Math.round(event.delay) }),
          { event: 'retry', job: job.name, runId: run.id },
        )
      }
    })
    return retryPolicy.execute(attempt)
  }

  let attempts = 0
  // Attempt rows are written with the run's end (one commit after the job returns, not two); finishRun waits
  // for them. Each is marked handled at once so a failed write cannot crash the process before then.
  const attemptWrites: Array<Promise<void>> = []
  const recordAttempt = (attempt: number, startedAt: number, status: string, error?: string) => {
    const write = recorder.recordAttempt(run, attempt, startedAt, status, error)
    write.catch(() => {})
    attemptWrites.push(write)
  }
  const attemptOnce = async (): Promise<RunResult> => {
    if (request.signal?.aborted) throw abortedBeforeAttempt(request.signal.reason)
    const attempt = ++attempts
    const attemptStarted = services.clock.now()
    try {
      const result = await runAttempt(
        async (signal) => {
          const ctx = createJobContext(
            job,
            {
              id: run.id,
              job: job.name,
              type: job.type,
              scheduledFor: scheduledFor === null ? null : new Date(scheduledFor),
              attempt,
              trigger: request.trigger,
            },
            signal,
            services,
          )
          return validResult(await job.jobType.definition.run(ctx, job.options as never), job.type)
        },
        {
          timeoutMs: job.core.timeout,
          parentSignal: request.signal,
          abandonAfterMs: job.jobType.definition.stopGrace?.(job.options as never) ?? DEFAULT_STOP_GRACE_MS,
        },
      )
      recordAttempt(attempt, attemptStarted, RESULT_STATUS[result.status])
      return result
    } catch (err) {
      const status =
        err instanceof AttemptAborted ? (err.abortCause === 'timeout' ? 'timed_out' : 'interrupted') : 'failed'
      recordAttempt(attempt, attemptStarted, status, messageOf(err))
      throw err
    }
  }

  let end: RunEnd
  try {
    const result = await withRetries(attemptOnce)
    end = {
      status: RESULT_STATUS[result.status],
      attempts,
      summary: result.summary,
      output: result.output,
      data: result.data,
    }
  } catch (err) {
    end = endFromError(err, attempts)
  }
  request.onWorkDone?.()
  return finishRun(job, run, request, recorder, end, services, policies, attemptWrites)
}

/** Records the run's end, then what follows it (breakers, dead letter, notices, onFailure). */
async function finishRun(
  job: JobDefinition,
  run: RecordedRun,
  request: RunRequest,
  recorder: RunRecorder,
  end: RunEnd,
  services: RunServices,
  policies: boolean,
  attemptWrites: Array<Promise<void>> = [],
): Promise<RunOutcome> {
  const scheduledFor = request.scheduledFor ?? null
  // The job's state before this run decides notices (once per streak) and onFailure; read it only for them.
  const before =
    policies && (job.core.notify?.length || job.core.onFailure)
      ? await services.store.jobState.get(job.name)
      : undefined
  const at = services.clock.now()
  const outcome: RunOutcome = {
    id: run.id,
    job: job.name,
    type: job.type,
    trigger: request.trigger,
    status: end.status,
    ...(end.reason ? { reason: end.reason } : {}),
    scheduledFor: scheduledFor === null ? null : isoInstant(scheduledFor),
    startedAt: run.row.started_at,
    finishedAt: isoInstant(at),
    attempts: end.attempts,
    ...(end.summary ? { summary: redact(end.summary) } : {}),
    ...(end.error ? { error: redact(end.error) } : {}),
  }
  if (end.data !== undefined) outcome.data = redactDeep(toJsonSafe(end.data))
  // The run's notices are committed with its end (one transaction), then the deliverer is told.
  const notices = runEndNotices(job, outcome, before, services)
  await Promise.all([recorder.finish(job, run, end, { at, notices }), ...attemptWrites])
  services.notifier.committed(notices)
  try {
    await afterRun(job, outcome, before, services)
  } catch (err) {
    services.logger.error({ job: job.name, run: run.id }, `after-run handling failed: ${messageOf(err)}`)
  }
  services.events?.onFinish?.(outcome)
  return outcome
}
