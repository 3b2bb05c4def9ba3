import type { RunOutcome } from '../run/outcome.js'
import type { Notice } from '../run/job-type.js'
import { redactThenTruncate } from '../reliability/redact.js'
import type { NoticeEvent } from './policy.js'

/** A notice's text is bounded (chat and mail have limits); redacted before it is cut, like all free text. */
export const NOTICE_TEXT_MAX = 4000

const HEADLINE: Record<NoticeEvent | 'escalation', string> = {
  failure: 'failed',
  timeout: 'timed out',
  alert: 'raised an alert',
  recovery: 'recovered',
  success: 'succeeded',
  retry: 'failed an attempt and is retrying',
  escalation: 'keeps failing',
}

const SEVERITY: Record<NoticeEvent | 'escalation', Notice['severity']> = {
  failure: 'critical',
  timeout: 'critical',
  escalation: 'critical',
  alert: 'warning',
  retry: 'warning',
  recovery: 'info',
  success: 'info',
}

/** A notice about a run: job, status, error, attempts, scheduled time and run id, whatever the channel. */
export function runNotice(
  event: NoticeEvent | 'escalation',
  outcome: Pick<RunOutcome, 'job' | 'id' | 'status' | 'error' | 'summary' | 'attempts' | 'scheduledFor' | 'trigger'>,
  extra: Record<string, string | number> = {},
): Notice {
  const detail = outcome.error ?? outcome.summary ?? ''
  return {
    title: `circadian: ${outcome.job} ${HEADLINE[event]}`,
    text: redactThenTruncate(detail || `${outcome.job} ${HEADLINE[event]}`, NOTICE_TEXT_MAX),
    severity: SEVERITY[event],
    fields: {
      job: outcome.job,
      status: outcome.status,
      error: outcome.error ?? null,
      summary: outcome.summary ?? null,
      attempts: outcome.attempts,
      scheduled_for: outcome.scheduledFor ?? null,
      trigger: outcome.trigger,
      run_id: outcome.id,
      ...extra,
    },
  }
}
