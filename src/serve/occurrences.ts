import type { JobDefinition } from '../config/model.js'
import type { JobLogger, RunTrigger } from '../run/job-type.js'
import { isoInstant } from '../run/iso-instant.js'
import { recordedOutcome, type RunOutcome } from '../run/outcome.js'
import { type RunEnd, type RunRecorder, claimFor } from '../run/recorder.js'
import { decideCatchUp, isOnTime } from '../schedule/catch-up.js'
import { jitterDelay } from '../schedule/jitter.js'
import { formatDuration } from '../schedule/duration.js'
import type { Dispatch, Dispatcher } from './dispatcher.js'
import type { PreClaims } from './pre-claims.js'

/** Missed occurrences recorded one row each; beyond this, the rest of a gap becomes one summary row. */
const MISSED_ROWS = 1000

export interface OccurrenceContext {
  recorder: RunRecorder
  dispatcher: Dispatcher
  /** Occurrences claimed ahead of their instant (serve's scheduler); absent, every claim is made when due. */
  claims?: PreClaims
  isPaused(job: string): boolean
  log: JobLogger
  /** Occurrences recorded without running (missed, skipped) are outcomes too: logged, and seen by dependencies. */
  report(outcome: RunOutcome): void
}

async function recordAndReport(
  ctx: OccurrenceContext,
  job: JobDefinition,
  trigger: RunTrigger,
  occurrence: number,
  end: RunEnd,
  claim: string,
): Promise<void> {
  const rec = await ctx.recorder.recordTerminal(job, trigger, occurrence, end, { claim })
  if (rec) ctx.report(recordedOutcome(job, trigger, occurrence, end, rec))
}

async function recordMissed(
  ctx: OccurrenceContext,
  job: JobDefinition,
  missed: number[],
  truncated: boolean,
  policy: string,
): Promise<void> {
  const reason = `too late to start (misfireGrace ${formatDuration(job.core.misfireGrace)}) and catchUp is '${policy}'`
  const summary = `not run: ${reason}`
  const individually = missed.slice(-MISSED_ROWS)
  const folded = missed.slice(0, missed.length - individually.length)
  await Promise.all(
    individually.map((o) =>
      recordAndReport(ctx, job, 'schedule', o, { status: 'missed', reason: 'late', attempts: 0, summary }, claimFor(o)),
    ),
  )
  if (folded.length || truncated) {
    const [from, to] = [folded[0] ?? individually[0], folded[folded.length - 1] ?? individually[0]]
    const count = truncated ? `${folded.length} or more` : String(folded.length)
    await ctx.recorder.recordTerminal(
      job,
      'schedule',
      from,
      {
        status: 'missed',
        reason: 'late',
        attempts: 0,
        summary: `${count} occurrences from ${isoInstant(from)} to ${isoInstant(to)} not run: ${reason}`,
        data: { count: folded.length, truncated, from: isoInstant(from), to: isoInstant(to) },
      },
      { claim: `@${isoInstant(from)}..${isoInstant(to)}`.slice(0, 64) },
    )
  }
}

/**
 * The usual wake-up, with nothing to decide: one occurrence, on time, of a job not paused (decideCatchUp
 * would say: run it, nothing missed). Returns that occurrence, or null when the catch-up rules must decide.
 */
function usualOccurrence(
  ctx: OccurrenceContext,
  job: JobDefinition,
  occurrences: number[],
  now: number,
  truncated: boolean,
): number | null {
  if (occurrences.length !== 1 || truncated || ctx.isPaused(job.name)) return null
  const first = occurrences[0]
  return isOnTime(first + jitterDelay(job.name, first, job.core.jitter), now, job.core.misfireGrace) ? first : null
}

/**
 * The usual fire (usualOccurrence), started at once with no await on its way: claimed ahead (committed),
 * with nothing in the way of its run. True when it was handled that way (its run
 * started, or another instance holds it); false leaves everything as it was, for handleDueOccurrences.
 * `onError` is told if the job's watermark or its run's end cannot be written.
 */
export function startOnTime(
  ctx: OccurrenceContext,
  job: JobDefinition,
  due: { occurrences: number[]; now: number; truncated: boolean },
  onError: (err: unknown) => void,
): boolean {
  const { claims } = ctx
  const first = claims ? usualOccurrence(ctx, job, due.occurrences, due.now, due.truncated) : null
  if (!claims || first === null) return false
  const held = claims.ready(job.name, first)
  if (held === undefined) return false
  if (held !== 'elsewhere') {
    const dispatch: Dispatch = { job, trigger: 'schedule', occurrence: first, claim: true, chained: false }
    const started = ctx.dispatcher.startClaimed(dispatch, held)
    if (!started) return false
    started.catch(onError)
  }
  claims.forget(job.name)
  ctx.recorder.advanceWatermark(job.name, first, { deferred: true }).catch(onError)
  return true
}

/**
 * Runs an occurrence due now. Claimed ahead, its run starts at once when nothing stands in its way;
 * otherwise (no claim ahead, or a run of the job still going, or no free slot) the claim is let go and the
 * run is submitted as usual: claimed now, and subject to the overlap policy and queueing.
 */
async function runOnTime(ctx: OccurrenceContext, dispatch: Dispatch): Promise<void> {
  const taken = ctx.claims?.take(dispatch.job.name, dispatch.occurrence!) ?? null
  const held = taken instanceof Promise ? await taken : taken
  if (held === 'elsewhere') return
  if (held) {
    const started = ctx.dispatcher.startClaimed(dispatch, held)
    if (started) {
      await started
      return
    }
    await ctx.claims!.giveBack(dispatch.job.name, held)
  }
  await ctx.dispatcher.submit(dispatch)
}

/**
 * Handles one job's occurrences that fell due: the catch-up rules decide which run; the others are recorded
 * `missed`; a paused job's occurrences are recorded `skipped` (paused). Every occurrence ends as exactly one
 * claimed row, and the job's watermark moves past the last of them.
 */
export async function handleDueOccurrences(
  ctx: OccurrenceContext,
  job: JobDefinition,
  occurrences: number[],
  now: number,
  truncated = false,
): Promise<void> {
  if (!occurrences.length) return
  // The usual wake-up skips the general path's arrays and promises, 1,000 times a second.
  const first = usualOccurrence(ctx, job, occurrences, now, truncated)
  if (first !== null) {
    const watermark = ctx.recorder.advanceWatermark(job.name, first, { deferred: true })
    await runOnTime(ctx, { job, trigger: 'schedule', occurrence: first, claim: true, chained: false })
    await watermark
    return
  }
  // Whatever is decided below claims its occurrences itself, this one's included.
  await ctx.claims?.release(job.name)
  const decision = decideCatchUp(
    occurrences,
    now,
    { catchUp: job.core.catchUp, maxCatchUp: job.core.maxCatchUp, misfireGrace: job.core.misfireGrace },
    (o) => o + jitterDelay(job.name, o, job.core.jitter),
  )
  const last = occurrences[occurrences.length - 1]
  const toRun: Array<{ occurrence: number; trigger: RunTrigger }> = [
    ...decision.catchUp.map((o) => ({ occurrence: o, trigger: 'catchup' as const })),
    ...decision.onTime.map((o) => ({ occurrence: o, trigger: 'schedule' as const })),
  ].sort((a, b) => a.occurrence - b.occurrence)

  const writes: Array<Promise<unknown>> = []
  if (decision.missed.length || truncated)
    writes.push(recordMissed(ctx, job, decision.missed, truncated, job.core.catchUp))
  if (ctx.isPaused(job.name)) {
    for (const { occurrence, trigger } of toRun) {
      writes.push(
        recordAndReport(
          ctx,
          job,
          trigger,
          occurrence,
          { status: 'skipped', reason: 'paused', attempts: 0, summary: 'the job is paused' },
          claimFor(occurrence),
        ),
      )
    }
    toRun.length = 0
  }
  // After the claims: a start never waits for it. A crash between the two leaves the watermark one behind,
  // and the occurrence seen again on restart is already claimed, so it is neither run nor recorded twice.
  writes.push(ctx.recorder.advanceWatermark(job.name, last, { deferred: true }))
  // Runs are dispatched without waiting for these writes: each run's claim makes it exactly-once anyway,
  // and waiting would make every fire late by a database round trip.
  const written = Promise.all(writes)
  if (toRun.length > 1)
    ctx.log.info(`${job.name}: ${toRun.length} occurrences due at once; running them one after another`, {
      job: job.name,
    })
  // Several due at once (a catch-up) run one after another: they are the same job's successive cycles. Only
  // a run that follows one of them that ran here is chained (exempt from the overlap policy): after one that
  // was skipped (the job still running from before) or claimed elsewhere, the next is checked like any fire,
  // or every wake-up of a lagging job would stack another sequence of runs beside the one still going.
  let chained = false
  for (const { occurrence, trigger } of toRun) {
    chained = (await ctx.dispatcher.submit({ job, trigger, occurrence, claim: true, chained })) !== null
  }
  await written
}
