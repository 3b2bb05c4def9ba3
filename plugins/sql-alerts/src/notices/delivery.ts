import { type NoticeDeliveryState, overallNoticeState } from 'circadian'
import type { AlertState, NoticeKind } from '../state/alert-state.js'

export type NoticeStates = (ids: string[]) => Promise<Record<string, NoticeDeliveryState>>

/** A notice the state machine decided on is not out after all: it becomes due again at the next evaluation. */
function undo(state: AlertState, kind: NoticeKind): AlertState {
  if (kind === 'firing' && state.firing) return { ...state, firing: { ...state.firing, notified: false } }
  if (kind === 'error') return { ...state, errorNotified: false }
  return state
}

/**
 * Settles the previous evaluation's queued notice against the outbox: delivered → it counts as notified
 * (`lastNotified`); expired or gone → it is due again; still pending → it stays pending (not re-sent).
 */
export async function settlePendingNotice(
  state: AlertState | undefined,
  noticeStates: NoticeStates,
): Promise<AlertState | undefined> {
  const pending = state?.pendingNotice
  if (!state || !pending) return state
  const overall = overallNoticeState(await noticeStates(pending.ids))
  if (overall === 'pending') return state
  if (overall === 'sent')
    return { ...state, pendingNotice: null, lastNotified: { kind: pending.kind, at: pending.at, to: pending.to } }
  return { ...undo(state, pending.kind), pendingNotice: null }
}

/**
 * The state to save once the evaluation's notice was handed to ctx.notify: with outbox ids it is pending
 * (not notified until delivered); with none (notifications off) nothing was sent and the notice stays due.
 */
export function afterQueueing(
  next: AlertState,
  previous: AlertState | undefined,
  kind: NoticeKind,
  ids: string[],
  to: string[],
): AlertState {
  const unchanged = { lastNotified: previous?.lastNotified ?? null }
  if (!ids.length)
    return {
      ...undo(next, kind),
      ...unchanged,
      lastAlertNoticeAt: previous?.lastAlertNoticeAt ?? null,
      pendingNotice: previous?.pendingNotice ?? null,
    }
  return { ...next, ...unchanged, pendingNotice: { kind, ids, to, at: next.lastEvaluatedAt } }
}

/** What `alerts status` says about the notice: "firing, notice pending" until the outbox delivered it. */
export async function pendingNoticeState(
  state: AlertState | undefined,
  noticeStates: NoticeStates | undefined,
): Promise<{ kind: NoticeKind; state: 'pending' | 'sent' | 'expired' | 'none' } | null> {
  const pending = state?.pendingNotice
  if (!pending || !noticeStates) return null
  return { kind: pending.kind, state: overallNoticeState(await noticeStates(pending.ids)) }
}
