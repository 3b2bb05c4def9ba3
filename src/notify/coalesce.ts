import type { Notice } from '../run/job-type.js'
import type { NoticeRow } from '../state/outbox.js'

const NOUN: Record<string, [string, string]> = {
  failure: ['failure', 'failures'],
  timeout: ['timeout', 'timeouts'],
  alert: ['alert', 'alerts'],
  recovery: ['recovery', 'recoveries'],
  success: ['success', 'successes'],
  retry: ['failed attempt', 'failed attempts'],
  escalation: ['escalation', 'escalations'],
}

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const

export const parseNotice = (row: Pick<NoticeRow, 'body'>): Notice => JSON.parse(row.body) as Notice

/** Rows that may go out as one delivery: same notifier, job, event and title. */
export const coalesceKey = (row: NoticeRow): string =>
  `${row.notifier}\u0000${row.job ?? ''}\u0000${row.event}\u0000${parseNotice(row).title}`

/**
 * One notice for a backlog of notices about the same job and event, oldest first:
 * "7 failures of nightly_import since 02:00 UTC", then the newest notice's text and fields.
 */
export function coalesce(rows: NoticeRow[]): Notice {
  const notices = rows.map(parseNotice)
  const latest = notices[notices.length - 1]
  if (rows.length === 1) return latest
  const [, plural] = NOUN[rows[0].event] ?? ['notice', 'notices']
  const since = rows[0].created_at.slice(11, 16)
  const about = rows[0].job ?? 'circadian'
  const severity = notices.reduce<Notice['severity']>(
    (worst, n) => (SEVERITY_RANK[n.severity ?? 'info'] > SEVERITY_RANK[worst ?? 'info'] ? n.severity : worst),
    'info',
  )
  return {
    title: `${latest.title} (${rows.length}×)`,
    text: `${rows.length} ${plural} of ${about} since ${since} UTC (${rows[0].created_at.slice(0, 10)}); the latest:\n${latest.text}`,
    severity,
    fields: {
      ...(latest.fields ?? {}),
      coalesced: rows.length,
      first_at: rows[0].created_at,
      last_at: rows[rows.length - 1].created_at,
    },
  }
}
