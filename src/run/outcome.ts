import type { RunStatus } from '../state/runs.js'
import { isoInstant } from './iso-instant.js'
import type { RunTrigger } from './job-type.js'

/** How one run ended, as `run --json` prints it and as the exit code is computed from. */
export interface RunOutcome {
  id: string
  job: string
  type: string
  trigger: RunTrigger
  status: RunStatus
  reason?: string
  scheduledFor: string | null
  startedAt: string | null
  finishedAt: string
  attempts: number
  summary?: string
  error?: string
  data?: unknown
}

/** The outcome of a row recorded without running (skipped, missed). */
export function recordedOutcome(
  job: { name: string; type: string },
  trigger: RunTrigger,
  occurrence: number | null,
  end: { status: RunStatus; reason?: string | null; summary?: string | null },
  rec: { id: string; at: string },
): RunOutcome {
  return {
    id: rec.id,
    job: job.name,
    type: job.type,
    trigger,
    status: end.status,
    ...(end.reason ? { reason: end.reason } : {}),
    scheduledFor: occurrence === null ? null : isoInstant(occurrence),
    startedAt: null,
    finishedAt: rec.at,
    attempts: 0,
    ...(end.summary ? { summary: end.summary } : {}),
  }
}

export const EXIT = { ok: 0, alert: 1, usage: 2, failed: 3 } as const

/** 0 all good; 1 a job alerted and none failed; 3 a job failed, timed out or was interrupted. */
export function exitCodeFor(outcomes: readonly RunOutcome[]): number {
  if (outcomes.some((o) => o.status === 'failed' || o.status === 'timed_out' || o.status === 'interrupted'))
    return EXIT.failed
  if (outcomes.some((o) => o.status === 'alert')) return EXIT.alert
  return EXIT.ok
}
