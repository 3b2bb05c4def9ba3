import type { Knex } from 'knex'
import type { RunRow } from './runs.js'

/** The columns of migration 006 on a run's row. */
export interface RunControlColumns {
  pgid: number | null
  host: string | null
  proc_start: string | null
  cancel_requested_at: string | null
  cancel_by: string | null
  cancel_reason: string | null
}

export type RunRowWithControl = RunRow & Partial<RunControlColumns>

export interface CancelRequest {
  id: string
  job: string
  cancel_reason: string | null
  cancel_by: string | null
}

/**
 * The process a run started and requests to cancel it, kept on the run's row. Written with targeted updates
 * of these columns only, so the run recorder's full-row writes never touch them.
 */
export class RunControlRepository {
  constructor(private readonly knex: Knex) {}

  async recordProcess(runId: string, process: { pgid: number; host: string; procStart: string | null }): Promise<void> {
    await this.knex('runs')
      .where({ id: runId })
      .update({ pgid: process.pgid, host: process.host, proc_start: process.procStart })
  }

  /** Asks for a running or queued run to stop; false when it is not running or queued (any more). */
  async requestCancel(runId: string, at: string, by: string, reason: string | null): Promise<boolean> {
    const n = await this.knex('runs')
      .where({ id: runId })
      .whereIn('status', ['running', 'queued'])
      .whereNull('cancel_requested_at')
      .update({ cancel_requested_at: at, cancel_by: by, cancel_reason: reason })
    return Number(n) === 1
  }

  /** Running or queued runs of `job`. */
  async activeRunsOf(job: string): Promise<RunRowWithControl[]> {
    return this.knex('runs').where({ job }).whereIn('status', ['running', 'queued']).orderBy('created_at')
  }

  /** Cancel requests for runs this instance holds. */
  async pendingCancels(instance: string): Promise<CancelRequest[]> {
    return this.knex('runs')
      .where({ instance })
      .whereIn('status', ['running', 'queued'])
      .whereNotNull('cancel_requested_at')
      .select('id', 'job', 'cancel_reason', 'cancel_by')
  }

  async get(runId: string): Promise<RunRowWithControl | undefined> {
    return this.knex('runs').where({ id: runId }).first()
  }
}
