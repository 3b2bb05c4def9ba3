import type { JobDefinition } from '../config/model.js'
import { type RunRequest, executeRun } from './execute-run.js'
import type { RunTrigger } from './job-type.js'
import { type RunOutcome, recordedOutcome } from './outcome.js'
import { RunRecorder } from './recorder.js'
import type { RunServices } from './services.js'

const UPSTREAM_WORDS: Record<string, string> = {
  failed: 'failed',
  timed_out: 'timed out',
  alert: 'raised an alert',
  skipped: 'was skipped',
  interrupted: 'was interrupted',
}

export interface RunJobsOptions {
  /** The jobs to run, in config order. `after` edges between them decide the order. */
  jobs: JobDefinition[]
  maxConcurrent: number
  trigger: RunTrigger
  signal?: AbortSignal
}

/**
 * Runs jobs now, each after the selected jobs it waits for. A job whose upstream did not succeed is not run:
 * it is recorded `skipped` with reason `upstream-failed`. Independent jobs run side by side, up to
 * `maxConcurrent`, higher priority first. Returns outcomes in the order the runs finished.
 */
export async function runJobs(options: RunJobsOptions, services: RunServices): Promise<RunOutcome[]> {
  const selected = new Map(options.jobs.map((j) => [j.name, j]))
  const order = new Map(options.jobs.map((j, i) => [j.name, i]))
  const waitsFor = (job: JobDefinition) => job.after.filter((up) => selected.has(up))
  const pending = new Set(selected.keys())
  const outcomes = new Map<string, RunOutcome>()
  const running = new Map<string, Promise<void>>()
  const recorder = new RunRecorder(services.store, services.clock, services.instance)

  const skipForUpstream = async (job: JobDefinition, failed: RunOutcome): Promise<void> => {
    const summary = `upstream job "${failed.job}" ${UPSTREAM_WORDS[failed.status] ?? failed.status}`
    const rec = (await recorder.recordTerminal(job, options.trigger, null, {
      status: 'skipped',
      reason: 'upstream-failed',
      attempts: 0,
      summary,
    }))!
    const outcome = recordedOutcome(
      job,
      options.trigger,
      null,
      { status: 'skipped', reason: 'upstream-failed', summary },
      rec,
    )
    outcomes.set(job.name, outcome)
    services.events?.onFinish?.(outcome)
  }

  while (pending.size || running.size) {
    const ready = [...pending]
      .map((name) => selected.get(name)!)
      .filter((job) => waitsFor(job).every((up) => outcomes.has(up)))
      .sort((a, b) => b.core.priority - a.core.priority || order.get(a.name)! - order.get(b.name)!)
    for (const job of ready) {
      const failedUpstream = waitsFor(job)
        .map((up) => outcomes.get(up)!)
        .find((o) => o.status !== 'succeeded')
      if (failedUpstream) {
        pending.delete(job.name)
        await skipForUpstream(job, failedUpstream)
        continue
      }
      if (options.signal?.aborted || running.size >= options.maxConcurrent) continue
      pending.delete(job.name)
      const request: RunRequest = { trigger: options.trigger, signal: options.signal }
      running.set(
        job.name,
        executeRun(job, request, services).then((outcome) => {
          outcomes.set(job.name, outcome)
          running.delete(job.name)
        }),
      )
    }
    if (options.signal?.aborted && !running.size) break
    // A skip may have unblocked more jobs; only wait when nothing new can start.
    const startable = [...pending].some((name) => waitsFor(selected.get(name)!).every((up) => outcomes.has(up)))
    if (running.size && (!startable || running.size >= options.maxConcurrent || options.signal?.aborted))
      await Promise.race(running.values())
    else if (!running.size && !startable && pending.size) break
  }
  return [...outcomes.values()]
}
