import { type JobContext, JobError, type RunResult } from 'circadian'
import { valueVsThreshold } from '../format.js'
import { type SqlAlertOptions, durationMs } from '../job-type/options.js'
import { buildNotice } from '../notices/build-notice.js'
import { type Evaluation, type Transition, advance } from '../state/advance.js'
import { type Silence, publicSilence, silenceActive } from '../state/alert-state.js'
import { AlertStore } from '../state/alert-store.js'
import { evaluateQuery } from './evaluate-query.js'

function summaryOf(evaluation: Evaluation, transition: Transition, options: SqlAlertOptions, silenced: boolean): string {
  if (evaluation.kind === 'ERROR') return evaluation.error.message
  const values = valueVsThreshold(evaluation.outcome.actual_value, evaluation.outcome.threshold)
  const notes: string[] = []
  if (transition.next.state === 'PENDING') notes.push(`pending ${transition.next.consecutive.alert}/${options.for}`)
  if (transition.notice && options.notify.length) notes.push(`${transition.notice} notice sent`)
  else if (transition.notice === 'firing') notes.push('fired (no notifiers)')
  else if (transition.notice === 'resolved') notes.push('resolved')
  else if (silenced && transition.next.state === 'ALERT') notes.push('silenced')
  // The run's status already says ALERT or OK: the summary gives the values and what the alert did.
  return `${values || `query returned ${evaluation.kind}`}${notes.length ? ` — ${notes.join(', ')}` : ''}`
}

function runData(evaluation: Evaluation, transition: Transition, sentTo: string[], silence: Silence | undefined, silenced: boolean, durationMs: number) {
  const { next } = transition
  return {
    status: evaluation.kind,
    ...(evaluation.kind === 'ERROR'
      ? { error: evaluation.error.kind }
      : { actual_value: evaluation.outcome.actual_value, threshold: evaluation.outcome.threshold, context: evaluation.outcome.context }),
    state: next.state,
    since: next.since,
    consecutive: next.consecutive,
    /** The notice this evaluation sent, and to which notifiers (none: nothing was sent). */
    notice: transition.notice && sentTo.length ? transition.notice : null,
    notified: transition.notice ? sentTo : [],
    silenced: silenced && silence ? publicSilence(silence) : null,
    durationMs,
  }
}

/**
 * One evaluation of a `sql-alert` job: run the query, advance the alert's state, send the notice that
 * transition calls for (unless silenced), and report ALERT as `alert`, OK as `ok` and ERROR as a failure.
 */
export async function runSqlAlert(ctx: JobContext, options: SqlAlertOptions): Promise<RunResult> {
  const job = ctx.run.job
  const started = ctx.clock.now()
  const evaluation = await evaluateQuery(ctx.db(options.connection), options, ctx.signal)
  // Interrupted (Ctrl-C, shutdown): the query did not fail, so the alert's state is left as it was.
  if (evaluation.kind === 'ERROR' && evaluation.error.kind === 'cancelled' && ctx.signal.reason !== 'timeout') {
    throw new JobError(evaluation.error.message, { reason: 'cancelled' })
  }

  const store = new AlertStore(ctx.kv)
  const [previous, silence] = await Promise.all([store.state(job), store.silence(job)])
  const now = ctx.clock.now()
  const silenced = silenceActive(silence, now)
  const transition = advance(previous, evaluation, {
    now,
    runId: ctx.run.id,
    for: options.for,
    repeatMs: options.repeatInterval ? durationMs(options.repeatInterval) : null,
    silenced,
    notify: options.notify,
  })
  await store.saveState(job, transition.next)
  if (silence?.untilResolved && transition.resolves) await store.deleteSilence(job)
  if (transition.notice && options.notify.length) {
    const notice = buildNotice({ kind: transition.notice, job, description: options.description, connection: options.connection, severity: options.severity, state: transition.next, previous, now })
    await ctx.notify(options.notify, notice)
  }

  const summary = summaryOf(evaluation, transition, options, silenced)
  const data = runData(evaluation, transition, options.notify, silence, silenced, ctx.clock.now() - started)
  if (evaluation.kind === 'ERROR') throw new JobError(summary, { reason: evaluation.error.kind, data, retryable: !evaluation.error.permanent })
  return { status: evaluation.kind === 'ALERT' ? 'alert' : 'ok', summary, data }
}
