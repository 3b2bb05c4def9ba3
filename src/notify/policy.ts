import type { RunOutcome } from '../run/outcome.js'

export type NoticeEvent = 'failure' | 'recovery' | 'alert' | 'success' | 'timeout' | 'retry'

export interface StreakBefore {
  /** Consecutive failed or timed-out runs before this one. */
  failures: number
  lastStatus: string | null
}

/**
 * The notices a finished run sends, given the job's state before it. A failure notifies once per streak
 * (the first failure after a success), an alert once per streak of alerts, and the first success after
 * failures or alerts is a recovery. A timeout is a failure, reported as 'timeout' when that is asked for.
 */
export function noticeEventsFor(
  outcome: Pick<RunOutcome, 'status'>,
  before: StreakBefore,
  notifyOn: readonly NoticeEvent[],
): NoticeEvent[] {
  const wants = (e: NoticeEvent) => notifyOn.includes(e)
  switch (outcome.status) {
    case 'succeeded': {
      const recovering = before.failures > 0 || before.lastStatus === 'alert'
      if (recovering && wants('recovery')) return ['recovery']
      return wants('success') ? ['success'] : []
    }
    case 'failed':
      return before.failures === 0 && wants('failure') ? ['failure'] : []
    case 'timed_out':
      if (before.failures !== 0) return []
      if (wants('timeout')) return ['timeout']
      return wants('failure') ? ['failure'] : []
    case 'alert':
      return before.lastStatus !== 'alert' && wants('alert') ? ['alert'] : []
    default:
      return []
  }
}
