import { type JobContext, JobError, type RunResult } from 'circadian'
import { valueVsThreshold } from '../format.js'
import { type SqlAlertOptions, durationMs } from '../job-type/options.js'
import { buildNotice } from '../notices/build-notice.js'
import { afterQueueing, settlePendingNotice } from '../notices/delivery.js'
import { type Evaluation, type Transition, advance } from '../state/advance.js'
import { type Silence, publicSilence, silenceActive } from '../state/alert-state.js'
import { AlertStore } from '../state/alert-store.js'
import { evaluateQuery } from './evaluate-query.js'

function summaryOf(
  evaluation: Evaluation,
  transition: Transition,
  options: SqlAlertOptions,
  silenced: boolean,
  queued: boolean,
): string {
  if (evaluation.kind === 'ERROR') return evaluation.error.message
  const values = valueVsThreshold(evaluation.outcome.actual_value, evaluation.outcome.threshold)
  const notes: string[] = []
  if (transition.next.state === 'PENDING') notes.push(`pending ${transition.next.consecutive.alert}/${options.for}`)
  if (transition.notice && options.notify.length)
    notes.push(
      queued ? `${transition.notice} notice queued` : `${transition.notice} notice not sent (notifications are off)`,
    )
  else if (transition.notice === 'firing') notes.push('fired (no notifiers)')
  else if (transition.notice === 'resolved') notes.push('resolved')
  else if (silenced && transition.next.state === 'ALERT') notes.push('silenced')
  // The run's status already says ALERT or OK: the summary gives the values and what the alert did.
  return `${values || `query returned ${evaluation.kind}`}${notes.length ? ` — ${notes.join(', ')}` : ''}`
}

function runData(
  evaluation: Evaluation,
  transition: Transition,
  queued: { to: string[]; ids: string[] },
  silence: Silence | undefined,
  silenced: boolean,
  durationMs: number,
) {
  const { next } = transition
  return {
    status: evaluation.kind,
    ...(evaluation.kind === 'ERROR'
      ? { error: evaluation.error.kind }
      : {
          actual_value: evaluation.outcome.actual_value,
          threshold: evaluation.outcome.threshold,
          context: evaluation.outcome.context,
        }),
    state: next.state,
    since: next.since,
    consecutive: next.consecutive,
    /**
     * The notice this evaluation queued in the outbox, to which notifiers, and its outbox ids (none: nothing
     * was queued). Queued is not delivered: `circadian notices` and `alerts status` say when it went out.
     */
    notice: transition.notice && queued.ids.length ? transition.notice : null,
    queued: transition.notice ? queued.to : [],
    noticeIds: queued.ids,
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
  const [stored, silence] = await Promise.all([store.state(job), store.silence(job)])
  const previous = await settlePendingNotice(stored, (ids) => ctx.noticeStates(ids))
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
  // The state machine knows nothing of delivery: a notice still pending stays tracked.
  let next: typeof transition.next = { ...transition.next, pendingNotice: previous?.pendingNotice ?? null }
  const queued = { to: [] as string[], ids: [] as string[] }
  if (transition.notice && options.notify.length) {
    const notice = buildNotice({
      kind: transition.notice,
      job,
      description: options.description,
      connection: options.connection,
      severity: options.severity,
      state: transition.next,
      previous,
      now,
    })
    const receipt = await ctx.notify(options.notify, notice)
    if (receipt.ids.length) Object.assign(queued, { to: options.notify, ids: receipt.ids })
    next = afterQueueing(next, previous, transition.notice, receipt.ids, options.notify)
  }
  await store.saveState(job, next)
  if (silence?.untilResolved && transition.resolves) await store.deleteSilence(job)

  const summary = summaryOf(evaluation, transition, options, silenced, queued.ids.length > 0)
  const data = runData(evaluation, transition, queued, silence, silenced, ctx.clock.now() - started)
  if (evaluation.kind === 'ERROR')
    throw new JobError(summary, { reason: evaluation.error.kind, data, retryable: !evaluation.error.permanent })
  return { status: evaluation.kind === 'ALERT' ? 'alert' : 'ok', summary, data }
}
