import type { Knex } from 'knex'
import { redactThenTruncate } from '../reliability/redact.js'
import type { RunRow } from './runs.js'

/** A pause reason is free text from a user or the API: stored redacted and bounded. */
export const PAUSE_REASON_MAX = 1000

export interface InstanceRow {
  id: string
  host: string
  pid: number
  version: string
  started_at: string
  heartbeat_at: string
  stopped_at: string | null
}

export interface RequestRow {
  id: number
  job: string
  action: string
  trigger: string
  created_at: string
  created_by: string | null
  handled_at: string | null
  handled_by: string | null
  run_id: string | null
}

/** Rows through which CLI commands, the API and serve instances coordinate: instances, requests, pauses, leases. */
export class ControlRepository {
  constructor(private readonly knex: Knex) {}

  async registerInstance(row: Omit<InstanceRow, 'stopped_at'>): Promise<void> {
    await this.knex('instances')
      .insert({ ...row, stopped_at: null })
      .onConflict('id')
      .merge(['host', 'pid', 'version', 'started_at', 'heartbeat_at', 'stopped_at'])
  }

  async heartbeat(id: string, at: string): Promise<void> {
    await this.knex('instances').where({ id }).update({ heartbeat_at: at })
  }

  async stopInstance(id: string, at: string): Promise<void> {
    await this.knex('instances').where({ id }).update({ stopped_at: at, heartbeat_at: at })
  }

  /** Instances not stopped whose heartbeat is newer than `since`. */
  async liveInstances(since: string): Promise<InstanceRow[]> {
    return this.knex('instances').whereNull('stopped_at').andWhere('heartbeat_at', '>=', since).orderBy('started_at')
  }

  async addRequest(row: Omit<RequestRow, 'id' | 'handled_at' | 'handled_by' | 'run_id'>): Promise<number> {
    const [id] = await this.knex('requests').insert({ ...row, handled_at: null, handled_by: null, run_id: null }, [
      'id',
    ])
    return typeof id === 'object' ? (id as { id: number }).id : Number(id)
  }

  async pendingRequests(limit = 100): Promise<RequestRow[]> {
    return this.knex('requests').whereNull('handled_at').orderBy('id').limit(limit)
  }

  /** Takes a request for this instance; false when another instance took it first. */
  async claimRequest(id: number, by: string, at: string): Promise<boolean> {
    const n = await this.knex('requests')
      .where({ id })
      .whereNull('handled_at')
      .update({ handled_at: at, handled_by: by })
    return Number(n) === 1
  }

  async completeRequest(id: number, runId: string | null): Promise<void> {
    await this.knex('requests').where({ id }).update({ run_id: runId })
  }

  /**
   * With `by` (who asked: 'cli:alice', 'api'), the pause or resume is also kept in `actions`, so `explain`
   * can say later that a job was paused at some time, by whom and why (job_state keeps only the current pause).
   */
  async setPaused(job: string, paused: boolean, at: string, reason?: string, by?: string): Promise<void> {
    const stored = paused && reason ? redactThenTruncate(reason, PAUSE_REASON_MAX) : null
    await this.knex('job_state')
      .insert({ job, paused: false, consecutive_failures: 0, updated_at: at })
      .onConflict('job')
      .ignore()
    await this.knex('job_state')
      .where({ job })
      .update({ paused, paused_at: paused ? at : null, pause_reason: stored, updated_at: at })
    if (by)
      await this.knex('actions').insert({
        job,
        action: paused ? 'pause' : 'resume',
        detail: `by ${by}${stored ? `: ${stored}` : ''}`,
        run_id: null,
        created_at: at,
      })
  }

  async pausedJobs(): Promise<Set<string>> {
    const rows = await this.knex('job_state').where({ paused: true }).select('job')
    return new Set(rows.map((r: { job: string }) => r.job))
  }

  /**
   * Moves the leases of `instance`'s running and queued rows to `until`; with `before`, only those ending
   * before it (the rest have time left: thousands of short runs in flight are not rewritten every time).
   */
  async renewLeases(instance: string, until: string, before?: string): Promise<void> {
    const q = this.knex('runs').where({ instance }).whereIn('status', ['running', 'queued'])
    if (before) q.andWhere('lease_until', '<', before)
    await q.update({ lease_until: until })
  }

  /** Running or queued rows whose owner stopped vouching for them. */
  async expiredRuns(now: string, limit = 500): Promise<RunRow[]> {
    return this.knex('runs')
      .whereIn('status', ['running', 'queued'])
      .andWhere('lease_until', '<', now)
      .orderBy('created_at')
      .limit(limit)
  }

  /** Running or queued rows owned by these instances, whatever their lease says. */
  async runsOf(instances: string[]): Promise<RunRow[]> {
    if (!instances.length) return []
    return this.knex('runs')
      .whereIn('status', ['running', 'queued'])
      .whereIn('instance', instances)
      .orderBy('created_at')
  }

  /** Instances that own running or queued rows. */
  async owners(): Promise<string[]> {
    const rows = await this.knex('runs').whereIn('status', ['running', 'queued']).distinct('instance')
    return rows.map((r: { instance: string }) => r.instance).filter(Boolean)
  }

  /** Takes over an expired row (compare-and-set on its lease); false when another instance did first. */
  async takeOver(row: RunRow, instance: string, until: string): Promise<boolean> {
    const q = this.knex('runs').where({ id: row.id }).whereIn('status', ['running', 'queued'])
    if (row.lease_until === null || row.lease_until === undefined) q.whereNull('lease_until')
    else q.andWhere('lease_until', row.lease_until)
    const n = await q.update({ instance, lease_until: until })
    return Number(n) === 1
  }

  async attemptCount(runId: string): Promise<number> {
    const row = await this.knex('run_attempts').where({ run_id: runId }).count({ n: '*' }).first()
    return Number(row?.n ?? 0)
  }
}
