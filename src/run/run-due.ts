import type { JobDefinition } from '../config/model.js'
import { decideCatchUp, latestOccurrence, occurrencesBetween } from '../schedule/catch-up.js'
import { formatDuration } from '../schedule/duration.js'
import { jitterDelay } from '../schedule/jitter.js'
import { executeRun } from './execute-run.js'
import type { RunTrigger } from './job-type.js'
import { type RunOutcome, recordedOutcome } from './outcome.js'
import { RunRecorder, claimFor } from './recorder.js'
import type { RunServices } from './services.js'

const MAX_DUE = 100_000

interface Work {
  job: JobDefinition
  occurrence: number
  trigger: RunTrigger
}

/**
 * `run --due`: runs each job's occurrences that fell due since its watermark, under the same catch-up rules
 * as serve, and records the others as missed. Occurrences are claimed, so a CI scheduler that fires late or
 * twice still runs each occurrence once. A job with no watermark yet: only its latest due occurrence is due.
 * Jobs that only run `after` others run once when all of theirs succeeded in this invocation.
 */
export async function runDue(
  jobs: JobDefinition[],
  services: RunServices,
  options: { maxConcurrent: number; signal?: AbortSignal; disabled?: JobDefinition[] },
): Promise<RunOutcome[]> {
  const recorder = new RunRecorder(services.store, services.clock, services.instance)
  const now = services.clock.now()
  // A disabled job's time is not downtime: its watermark follows the clock, so enabling it starts from then.
  await Promise.all(
    (options.disabled ?? []).filter((j) => j.trigger).map((j) => recorder.advanceWatermark(j.name, now)),
  )
  const states = new Map((await services.store.jobState.all()).map((s) => [s.job, s]))
  const outcomes: RunOutcome[] = []
  const work: Work[][] = []

  for (const job of jobs.filter((j) => j.trigger)) {
    const watermark = states.get(job.name)?.watermark
    let due: number[]
    let truncated = false
    if (watermark) {
      ;({ occurrences: due, truncated } = occurrencesBetween(
        (t) => job.trigger!.next(t),
        Date.parse(watermark),
        now,
        MAX_DUE,
      ))
      // A very long gap: the latest due occurrence stands for the rest, as in serve.
      const latest = truncated ? latestOccurrence(job.trigger!, now) : null
      if (latest !== null && latest > due[due.length - 1]) due.push(latest)
    } else {
      const latest = latestOccurrence(job.trigger!, now)
      due = latest === null ? [] : [latest]
    }
    await recorder.advanceWatermark(job.name, due.length ? due[due.length - 1] : now)
    if (!due.length) continue
    const decision = decideCatchUp(
      due,
      now,
      { catchUp: job.core.catchUp, maxCatchUp: job.core.maxCatchUp, misfireGrace: job.core.misfireGrace },
      (o) => o + jitterDelay(job.name, o, job.core.jitter),
    )
    const summary = `not run: started too late (misfireGrace ${formatDuration(job.core.misfireGrace)}) and catchUp is '${job.core.catchUp}'${truncated ? `; more than ${MAX_DUE} were due` : ''}`
    await Promise.all(
      decision.missed.map((o) =>
        recorder.recordTerminal(
          job,
          'schedule',
          o,
          { status: 'missed', reason: 'late', attempts: 0, summary },
          { claim: claimFor(o) },
        ),
      ),
    )
    const items = [
      ...decision.catchUp.map((o) => ({ job, occurrence: o, trigger: 'catchup' as const })),
      ...decision.onTime.map((o) => ({ job, occurrence: o, trigger: 'schedule' as const })),
    ]
    // As in serve: late ones are missed whatever; the ones that would run are skipped while the job is paused.
    if (states.get(job.name)?.paused) {
      await Promise.all(
        items.map((i) =>
          recorder.recordTerminal(
            job,
            i.trigger,
            i.occurrence,
            { status: 'skipped', reason: 'paused', attempts: 0, summary: 'the job is paused' },
            { claim: claimFor(i.occurrence) },
          ),
        ),
      )
      continue
    }
    if (items.length) work.push(items.sort((a, b) => a.occurrence - b.occurrence))
  }

  // Each job's occurrences in order; different jobs side by side, up to maxConcurrent.
  let slots = options.maxConcurrent
  const waiters: Array<() => void> = []
  const acquire = async () => {
    if (slots > 0) slots--
    else await new Promise<void>((r) => waiters.push(r))
  }
  const release = () => {
    const next = waiters.shift()
    if (next) next()
    else slots++
  }
  await Promise.all(
    work.map(async (items) => {
      for (const item of items) {
        if (options.signal?.aborted) return
        await acquire()
        try {
          const recorded = await recorder.start(item.job, item.trigger, item.occurrence, { claim: true })
          if (recorded)
            outcomes.push(
              await executeRun(
                item.job,
                { trigger: item.trigger, scheduledFor: item.occurrence, signal: options.signal, recorded },
                services,
              ),
            )
        } finally {
          release()
        }
      }
    }),
  )

  // Jobs that only run after others: once, when every upstream ran and succeeded here. Passes repeat until
  // nothing changes, so chains of them (c after b after a) resolve in order.
  const latestOf = (name: string) => outcomes.filter((o) => o.job === name).pop()
  const pending = jobs.filter((j) => !j.trigger && j.after.length)
  for (let progressed = true; progressed;) {
    progressed = false
    for (const job of [...pending]) {
      const ups = job.after.map(latestOf)
      if (ups.some((u) => !u)) continue
      pending.splice(pending.indexOf(job), 1)
      progressed = true
      const outcome = await runFollower(job, ups as RunOutcome[], recorder, services, options.signal)
      if (outcome) outcomes.push(outcome)
    }
  }
  return outcomes
}

async function runFollower(
  job: JobDefinition,
  ups: RunOutcome[],
  recorder: RunRecorder,
  services: RunServices,
  signal?: AbortSignal,
): Promise<RunOutcome | null> {
  const cycle = Math.max(...ups.map((u) => Date.parse(u.scheduledFor ?? u.finishedAt)))
  const failed = ups.find((u) => u.status !== 'succeeded')
  if (failed) {
    const summary = `upstream job "${failed.job}" ${failed.status.replace('_', ' ')}`
    const rec = await recorder.recordTerminal(
      job,
      'schedule',
      cycle,
      { status: 'skipped', reason: 'upstream-failed', attempts: 0, summary },
      { claim: claimFor(cycle) },
    )
    return rec
      ? recordedOutcome(job, 'schedule', cycle, { status: 'skipped', reason: 'upstream-failed', summary }, rec)
      : null
  }
  const recorded = await recorder.start(job, 'schedule', cycle, { claim: true })
  return recorded ? executeRun(job, { trigger: 'schedule', scheduledFor: cycle, signal, recorded }, services) : null
}
