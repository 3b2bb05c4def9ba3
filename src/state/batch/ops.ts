import type { NewNotice } from '../outbox.js'
import type { AttemptRow, RunRow } from '../runs.js'

/** What a batch can write. */
export type WriteOp =
  /** A new run row; with a claim, it is inserted only if no row holds that (job, claim) yet. */
  | { kind: 'insert'; row: RunRow }
  /**
   * A change to an existing run row (status, times, results): the full row, merged by id. `keepsClaim` says
   * the row's claim is the one already stored, so the claim index is left alone.
   */
  | { kind: 'update'; row: RunRow; keepsClaim?: boolean }
  | { kind: 'attempt'; row: AttemptRow }
  /** A finished run's effect on its job's state (last status, failure streak). */
  | { kind: 'outcome'; job: string; status: string; runId: string; at: string; failed: boolean; succeeded: boolean }
  /** The last occurrence handled for a job; it only ever moves forward. */
  | { kind: 'watermark'; job: string; watermark: string; at: string }
  /** Notices to the outbox (pending), committed with the run's end they are about. */
  | { kind: 'notices'; rows: NewNotice[] }
  /** A run row claimed ahead of its instant that will not run here: removed, so its occurrence is free again. */
  | { kind: 'release'; id: string }

export const RUN_COLUMNS = [
  'id',
  'job',
  'type',
  'trigger',
  'scheduled_for',
  'created_at',
  'started_at',
  'finished_at',
  'status',
  'reason',
  'attempts',
  'summary',
  'error',
  'output',
  'data',
  'instance',
  'claim',
  'lease_until',
] as const
export const RUN_UPDATE_COLUMNS = [
  'status',
  'reason',
  'started_at',
  'finished_at',
  'attempts',
  'summary',
  'error',
  'output',
  'data',
  'instance',
  'claim',
  'lease_until',
] as const
