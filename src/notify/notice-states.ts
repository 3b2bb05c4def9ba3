import type { NoticeStatus } from '../state/outbox.js'
import type { Store } from '../state/store.js'

/** Where a queued notice stands: `unknown` when no such notice is in the outbox (pruned, or never queued). */
export type NoticeDeliveryState = NoticeStatus | 'unknown'

/** The delivery state of each outbox key (what `ctx.notify` returned). */
export async function noticeDeliveryStates(
  store: Store,
  ids: readonly string[],
): Promise<Record<string, NoticeDeliveryState>> {
  const rows = await store.outbox.byKeys([...new Set(ids)])
  const found = new Map(rows.map((r) => [r.key, r.status]))
  return Object.fromEntries(ids.map((id) => [id, found.get(id) ?? 'unknown']))
}

/**
 * One state for a notice sent to several notifiers: `sent` once any delivered it, `pending` while any may
 * still, `expired` when none ever will; `none` for no ids (nothing was queued: --no-notify).
 */
export function overallNoticeState(
  states: Record<string, NoticeDeliveryState>,
): 'sent' | 'pending' | 'expired' | 'none' {
  const values = Object.values(states)
  if (!values.length) return 'none'
  if (values.includes('sent')) return 'sent'
  if (values.some((s) => s === 'pending' || s === 'failed')) return 'pending'
  return 'expired'
}
