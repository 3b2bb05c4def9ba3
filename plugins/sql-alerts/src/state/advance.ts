import type { QueryOutcome } from '../contract/read-outcome.js'
import type { AlertState, AlertStateName, NoticeKind } from './alert-state.js'

export type Evaluation =
  | { kind: 'ALERT' | 'OK'; outcome: QueryOutcome }
  | { kind: 'ERROR'; error: { kind: string; message: string; permanent?: boolean } }

export interface AdvanceInput {
  now: number
  runId: string | null
  /** Consecutive ALERT results before the alert fires. */
  for: number
  /** Notify again while firing, this often; null = never. */
  repeatMs: number | null
  /** A silence is in effect: the notice this evaluation would send is held back. */
  silenced: boolean
  /** Notifier names a notice goes to (recorded with it). */
  notify: string[]
}

export interface Transition {
  next: AlertState
  /** The notice this evaluation sends, or null. Never more than one per evaluation. */
  notice: NoticeKind | null
  /** An until-resolved silence ends with this evaluation (the alert came back to OK). */
  resolves: boolean
}

/**
 * The alert's state machine, one evaluation at a time.
 * - ALERT results: PENDING until `for` in a row, then ALERT with a firing notice; while it stays ALERT, a
 *   repeat notice every `repeatInterval`. An ALERT after an ERROR in a firing alert continues that alert.
 * - OK: a resolved notice if the firing notice went out, then OK.
 * - ERROR (any failed evaluation): an error notice when the streak starts; a firing alert stays open.
 * - While silenced, due notices are held back; a firing or error notice still due when the silence is over
 *   goes out at the next evaluation.
 */
export function advance(previous: AlertState | undefined, evaluation: Evaluation, input: AdvanceInput): Transition {
  const at = new Date(input.now).toISOString()
  const counts = previous?.consecutive ?? { alert: 0, ok: 0, error: 0 }
  const consecutive =
    evaluation.kind === 'ALERT'
      ? { alert: counts.alert + 1, ok: 0, error: 0 }
      : evaluation.kind === 'OK'
        ? { alert: 0, ok: counts.ok + 1, error: 0 }
        : { alert: 0, ok: 0, error: counts.error + 1 }
  let firing = previous?.firing ?? null
  let errorNotified = previous?.errorNotified ?? false
  let notice: NoticeKind | null = null
  let state: AlertStateName

  if (evaluation.kind === 'ALERT') {
    errorNotified = false
    if (firing || consecutive.alert >= input.for) {
      state = 'ALERT'
      firing ??= { since: at, notified: false }
      const lastAlertNotice = previous?.lastAlertNoticeAt ? Date.parse(previous.lastAlertNoticeAt) : null
      if (!firing.notified) {
        if (!input.silenced) {
          notice = 'firing'
          firing = { ...firing, notified: true }
        }
      } else if (
        input.repeatMs !== null &&
        lastAlertNotice !== null &&
        input.now - lastAlertNotice >= input.repeatMs &&
        !input.silenced
      ) {
        notice = 'repeat'
      }
    } else {
      state = 'PENDING'
    }
  } else if (evaluation.kind === 'OK') {
    state = 'OK'
    errorNotified = false
    if (firing?.notified && !input.silenced) notice = 'resolved'
    firing = null
  } else {
    state = 'ERROR'
    if (!errorNotified && !input.silenced) {
      notice = 'error'
      errorNotified = true
    }
  }

  const since = previous?.state === state ? previous.since : state === 'ALERT' && firing ? firing.since : at
  const next: AlertState = {
    v: 1,
    state,
    since,
    consecutive,
    lastResult: evaluation.kind,
    lastEvaluatedAt: at,
    lastRunId: input.runId,
    lastValues:
      evaluation.kind === 'ERROR'
        ? (previous?.lastValues ?? null)
        : {
            status: evaluation.kind,
            actual_value: evaluation.outcome.actual_value,
            threshold: evaluation.outcome.threshold,
            context: evaluation.outcome.context,
            at,
          },
    lastError: evaluation.kind === 'ERROR' ? { ...evaluation.error, at } : (previous?.lastError ?? null),
    firing,
    errorNotified,
    lastNotified: notice ? { kind: notice, at, to: input.notify } : (previous?.lastNotified ?? null),
    lastAlertNoticeAt:
      notice === 'firing' || notice === 'repeat' ? at : firing ? (previous?.lastAlertNoticeAt ?? null) : null,
  }
  const resolves = state === 'OK' && previous !== undefined && previous.state !== 'OK'
  return { next, notice, resolves }
}
