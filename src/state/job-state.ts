import type { Knex } from 'knex'

/** Per-job state that outlives runs: the watermark, the last outcome, pause, the failure streak. */
export interface JobStateRow {
  job: string
  watermark: string | null
  last_status: string | null
  last_run_id: string | null
  last_run_at: string | null
  last_success_at: string | null
  paused: boolean
  paused_at?: string | null
  pause_reason?: string | null
  consecutive_failures: number
  updated_at: string
}

export class JobStateRepository {
  constructor(private readonly knex: Knex) {}

  async get(job: string): Promise<JobStateRow | undefined> {
    const row = await this.knex('job_state').where({ job }).first()
    return row ? normalize(row) : undefined
  }

  async all(): Promise<JobStateRow[]> {
    return (await this.knex('job_state').select('*')).map(normalize)
  }

  /** Inserts the job's row if missing, then applies `changes`. */
  async update(job: string, changes: Partial<Omit<JobStateRow, 'job'>>, now: string): Promise<void> {
    await this.knex('job_state')
      .insert({ job, paused: false, consecutive_failures: 0, updated_at: now })
      .onConflict('job')
      .ignore()
    await this.knex('job_state')
      .where({ job })
      .update({ ...changes, updated_at: now })
  }
}

function normalize(row: JobStateRow): JobStateRow {
  return { ...row, paused: Boolean(row.paused), consecutive_failures: Number(row.consecutive_failures) }
}
