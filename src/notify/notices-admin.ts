import type { ValidatedConfig } from '../config/model.js'
import { UsageError } from '../errors.js'
import { type NoticeRow, type NoticeStatus } from '../state/outbox.js'
import { openStore } from '../state/store.js'
import { parseNotice } from './coalesce.js'

/** A notice as `circadian notices` shows it. */
export function noticeView(r: NoticeRow) {
  const notice = parseNotice(r)
  return {
    id: r.id,
    key: r.key,
    notifier: r.notifier,
    job: r.job,
    runId: r.run_id,
    event: r.event,
    title: notice.title,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    nextAttemptAt: r.status === 'pending' || r.status === 'failed' ? r.next_attempt_at : null,
    expiresAt: r.expires_at,
    sentAt: r.sent_at,
    coalescedInto: r.coalesced_into,
    lastError: r.last_error,
  }
}

export type NoticeView = ReturnType<typeof noticeView>

export async function listNotices(
  config: ValidatedConfig,
  options: { status?: NoticeStatus; limit: number },
): Promise<{ notices: NoticeView[]; pending: number; oldestPending: string | null }> {
  const store = await openStore(config.state)
  try {
    const [rows, backlog] = await Promise.all([store.outbox.list(options), store.outbox.backlog()])
    return { notices: rows.map(noticeView), pending: backlog.pending, oldestPending: backlog.oldest }
  } finally {
    await store.close()
  }
}

/**
 * Re-queues failed or expired notices (one by id or key, or all of them): due now, with a fresh maxAge.
 * A notice already sent, or still pending, is left alone (an error for a single id).
 */
export async function retryNotices(
  config: ValidatedConfig,
  target: { id?: string; all?: boolean },
  now = Date.now(),
): Promise<{ requeued: number }> {
  if (!target.all && !target.id) throw new UsageError('give a notice ID (see `circadian notices`) or --all')
  if (target.all && target.id) throw new UsageError('give either a notice ID or --all, not both')
  const store = await openStore(config.state)
  try {
    let ids: number[] | undefined
    if (target.id) {
      const row = /^\d+$/.test(target.id)
        ? await store.outbox.byId(Number(target.id))
        : (await store.outbox.byKeys([target.id]))[0]
      if (!row) throw new UsageError(`no notice "${target.id}" (see \`circadian notices\`)`)
      if (row.status === 'sent') throw new UsageError(`notice ${target.id} was already sent at ${row.sent_at}`)
      if (row.status === 'pending')
        throw new UsageError(`notice ${target.id} is still pending; it is delivered as soon as a process can`)
      ids = [row.id]
    }
    const expiresAt = (notifier: string) =>
      new Date(now + (config.notifiers[notifier]?.maxAge ?? 86_400_000)).toISOString()
    return { requeued: await store.outbox.requeue(ids, new Date(now).toISOString(), expiresAt) }
  } finally {
    await store.close()
  }
}
