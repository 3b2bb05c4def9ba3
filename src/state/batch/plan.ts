import type { NewNotice } from '../outbox.js'
import type { AttemptRow, RunRow } from '../runs.js'
import type { WriteOp } from './ops.js'

export interface JobStateChange {
  job: string
  last_status: string
  last_run_id: string
  last_run_at: string
  last_success_at: string | null
  /** The failure-streak change: -(k+1) means "reset to k", k >= 0 means "add k". */
  streak: number
  updated_at: string
}

export interface WatermarkChange {
  job: string
  watermark: string
  updated_at: string
}

/** One batch of writes, merged per kind and per job, ready to apply in one transaction. */
export interface BatchPlan {
  /** Ids of rows claimed ahead and let go: deleted first, so the batch may claim their occurrences again. */
  releases: string[]
  inserts: RunRow[]
  updates: RunRow[]
  /** The updates that keep the stored claim (an index fewer to maintain). */
  keepsClaim: Set<RunRow>
  attempts: AttemptRow[]
  jobs: Array<{ job: string; at: string }>
  outcomes: JobStateChange[]
  watermarks: WatermarkChange[]
  notices: NewNotice[]
}

export function planBatch(ops: WriteOp[]): BatchPlan {
  const plan: BatchPlan = {
    releases: [],
    inserts: [],
    updates: [],
    keepsClaim: new Set(),
    attempts: [],
    jobs: [],
    outcomes: [],
    watermarks: [],
    notices: [],
  }
  const streaks = new Map<
    string,
    { last: Extract<WriteOp, { kind: 'outcome' }>; delta: number; reset: boolean; lastSuccess: string | null }
  >()
  const marks = new Map<string, WatermarkChange>()
  const jobs = new Map<string, string>()
  for (const op of ops) {
    switch (op.kind) {
      case 'insert':
        plan.inserts.push(op.row)
        break
      case 'update':
        plan.updates.push(op.row)
        if (op.keepsClaim) plan.keepsClaim.add(op.row)
        break
      case 'attempt':
        plan.attempts.push(op.row)
        break
      case 'outcome': {
        const s = streaks.get(op.job) ?? { last: op, delta: 0, reset: false, lastSuccess: null }
        s.last = op
        if (op.succeeded) {
          s.reset = true
          s.delta = 0
          s.lastSuccess = op.at
        } else if (op.failed) s.delta++
        streaks.set(op.job, s)
        jobs.set(op.job, op.at)
        break
      }
      case 'notices':
        plan.notices.push(...op.rows)
        break
      case 'release':
        plan.releases.push(op.id)
        break
      case 'watermark': {
        const m = marks.get(op.job)
        if (!m || m.watermark < op.watermark)
          marks.set(op.job, { job: op.job, watermark: op.watermark, updated_at: op.at })
        jobs.set(op.job, op.at)
        break
      }
    }
  }
  plan.jobs = [...jobs].map(([job, at]) => ({ job, at }))
  plan.outcomes = [...streaks].map(([job, s]) => ({
    job,
    last_status: s.last.status,
    last_run_id: s.last.runId,
    last_run_at: s.last.at,
    last_success_at: s.lastSuccess,
    streak: s.reset ? -(s.delta + 1) : s.delta,
    updated_at: s.last.at,
  }))
  plan.watermarks = [...marks.values()]
  return plan
}
