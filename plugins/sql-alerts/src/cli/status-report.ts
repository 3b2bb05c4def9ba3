import type { TimeFormatter } from 'circadian'
import { humanDuration, shortInstant, valueVsThreshold } from '../format.js'
import { type AlertState, type Silence, publicSilence, silenceActive } from '../state/alert-state.js'
import type { AlertStore } from '../state/alert-store.js'
import { type NoticeStates, pendingNoticeState } from '../notices/delivery.js'
import type { AlertJob } from './alert-jobs.js'

export interface AlertStatus {
  job: string
  connection: string
  description: string | null
  /** null: never evaluated. */
  state: AlertState['state'] | null
  since: string | null
  lastResult: AlertState['lastResult'] | null
  lastEvaluatedAt: string | null
  lastRunId: string | null
  consecutive: AlertState['consecutive'] | null
  for: number
  actual_value: unknown
  threshold: unknown
  context: Record<string, unknown> | null
  lastError: AlertState['lastError']
  /** Only `sent` notices count here: a queued one shows in `notice` until the outbox delivered it. */
  lastNotified: AlertState['lastNotified']
  /** The last queued notice not known delivered when the alert was last evaluated: pending, sent since, expired. */
  notice: Awaited<ReturnType<typeof pendingNoticeState>>
  silenced: Omit<Silence, 'v'> | null
}

/**
 * Where every alert stands: its state, since when, its last value against its threshold, its silence, and
 * (given the outbox) whether its last notice is still pending.
 */
export async function alertStatuses(
  jobs: AlertJob[],
  store: AlertStore,
  now: number,
  noticeStates?: NoticeStates,
): Promise<AlertStatus[]> {
  return Promise.all(
    jobs.map(async (job) => {
      const [state, silence] = await Promise.all([store.state(job.name), store.silence(job.name)])
      return {
        job: job.name,
        connection: job.options.connection,
        description: job.options.description ?? null,
        state: state?.state ?? null,
        since: state?.since ?? null,
        lastResult: state?.lastResult ?? null,
        lastEvaluatedAt: state?.lastEvaluatedAt ?? null,
        lastRunId: state?.lastRunId ?? null,
        consecutive: state?.consecutive ?? null,
        for: job.options.for,
        actual_value: state?.lastValues?.actual_value ?? null,
        threshold: state?.lastValues?.threshold ?? null,
        context: state?.lastValues?.context ?? null,
        lastError: state?.lastError ?? null,
        lastNotified: state?.lastNotified ?? null,
        notice: await pendingNoticeState(state, noticeStates),
        silenced: silence && silenceActive(silence, now) ? publicSilence(silence) : null,
      }
    }),
  )
}

/** PENDING with its count, the state, or "never run". */
export function stateCell(s: AlertStatus): string {
  if (!s.state) return 'never run'
  if (s.state === 'PENDING') return `PENDING ${s.consecutive?.alert ?? 0}/${s.for}`
  if (s.notice?.state === 'pending')
    return `${s.state} (${s.notice.kind === 'firing' ? 'firing, notice pending' : `${s.notice.kind} notice pending`})`
  if (s.notice?.state === 'expired') return `${s.state} (${s.notice.kind} notice expired undelivered)`
  return s.state
}

/** An instant as text: the dashboard's "2026-11-23 14:05:00Z"; the CLI's, the core's time rule (statusRows). */
type Written = (iso: string | null | undefined) => string

/** "2026-11-23 14:05:00Z (3h 5m)", or null before the first evaluation. */
export function sinceCell(s: AlertStatus, now: number, write: Written = shortInstant): string | null {
  return s.since ? `${write(s.since)} (${humanDuration(now - Date.parse(s.since))})` : null
}

/** The last value against the threshold; in ERROR, the error. Null when there is neither. */
export function lastValueCell(s: AlertStatus): string | null {
  if (s.state === 'ERROR') return (s.lastError?.message ?? '').slice(0, 70) || null
  return valueVsThreshold(s.actual_value, s.threshold) || null
}

/** "until resolved" or "until 2026-11-23 18:00:00Z", or null when not silenced. */
export function silencedUntilCell(s: AlertStatus, write: Written = shortInstant): string | null {
  if (!s.silenced) return null
  return s.silenced.untilResolved ? 'until resolved' : `until ${write(s.silenced.until)}`
}

function silenceCell(s: AlertStatus, write: Written): string {
  if (!s.silenced) return '-'
  return `${silencedUntilCell(s, write)} by ${s.silenced.by}${s.silenced.reason ? `: ${s.silenced.reason}` : ''}`
}

/**
 * Table rows for people: JOB, STATE, SINCE, LAST VALUE, CHECKED, SILENCED. Times follow the core's one rule
 * for text output (`circadian`'s timeFormatter): the job's zone with its offset, or UTC with `--utc`.
 */
export function statusRows(statuses: AlertStatus[], now: number, times: TimeFormatter): string[][] {
  return statuses.map((s) => {
    const write: Written = (iso) => times.forJob(s.job, iso)
    return [
      s.job,
      stateCell(s),
      sinceCell(s, now, write) ?? '-',
      lastValueCell(s) ?? '-',
      write(s.lastEvaluatedAt),
      silenceCell(s, write),
    ]
  })
}

export const STATUS_HEADERS = ['JOB', 'STATE', 'SINCE', 'LAST VALUE', 'CHECKED', 'SILENCED']
