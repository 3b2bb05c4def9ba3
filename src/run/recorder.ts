import type { JobDefinition } from '../config/model.js'
import { redact, redactDeep } from '../reliability/redact.js'
import type { Clock } from '../schedule/clock.js'
import type { NewNotice } from '../state/outbox.js'
import type { RunRow, RunStatus } from '../state/runs.js'
import type { Store } from '../state/store.js'
import { newRunId } from './ids.js'
import { isoInstant } from './iso-instant.js'
import type { RunResult, RunTrigger } from './job-type.js'
import { toJsonSafe } from './json-safe.js'

/** How long a process vouches for its running rows; its heartbeat renews the lease well before that. */
export const LEASE_MS = 30_000

export interface RunEnd {
  status: RunStatus
  reason?: string | null
  attempts: number
  summary?: string | null
  error?: string | null
  output?: RunResult['output'] | null
  data?: unknown
}

/** A run whose row exists. */
export interface RecordedRun {
  id: string
  row: RunRow
}

const FAILED: RunStatus[] = ['failed', 'timed_out']

/** The claim of a scheduled occurrence: unique per job, so only one row (run, skip or miss) can hold it. */
export const claimFor = (scheduledFor: number) => `@${isoInstant(scheduledFor)}`

/**
 * Writes runs to the store, through its write batcher. Everything textual is redacted here, before it is
 * written, so no secret reaches the database whatever the job type returned.
 */
export class RunRecorder {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly instance: string,
  ) {}

  private row(job: JobDefinition, trigger: RunTrigger, scheduledFor: number | null, fields: Partial<RunRow>): RunRow {
    const now = this.clock.now()
    return {
      id: newRunId(now),
      job: job.name,
      type: job.type,
      trigger,
      scheduled_for: scheduledFor === null ? null : isoInstant(scheduledFor),
      created_at: isoInstant(now),
      started_at: null,
      finished_at: null,
      status: 'running',
      reason: null,
      attempts: 0,
      summary: null,
      error: null,
      output: null,
      data: null,
      instance: this.instance,
      claim: null,
      lease_until: null,
      ...fields,
    }
  }

  /**
   * The run's row, before any of its work starts. With `claim`, the row takes the occurrence's claim and
   * null is returned when another row (another instance, an earlier start) already holds it.
   */
  async start(
    job: JobDefinition,
    trigger: RunTrigger,
    scheduledFor: number | null,
    options: { claim?: boolean; queued?: boolean } = {},
  ): Promise<RecordedRun | null> {
    const now = this.clock.now()
    const row = this.row(job, trigger, scheduledFor, {
      status: options.queued ? 'queued' : 'running',
      started_at: options.queued ? null : isoInstant(now),
      claim: options.claim && scheduledFor !== null ? claimFor(scheduledFor) : null,
      lease_until: isoInstant(now + LEASE_MS),
    })
    const inserted = await this.store.batcher.write({ kind: 'insert', row })
    return inserted ? { id: row.id, row } : null
  }

  /**
   * A scheduled occurrence's row written ahead of its instant (`dueAt`), so the job starts then without
   * waiting for a commit: `running` from its planned start, holding the occurrence's claim. `inserted` is
   * false when another row holds the claim; it is written once `after` settles. The run either starts
   * (markStarted) or is released.
   */
  claimAhead(
    job: JobDefinition,
    occurrence: number,
    dueAt: number,
    after?: Promise<unknown>,
  ): { run: RecordedRun; inserted: Promise<boolean> } {
    const now = this.clock.now()
    const row = this.row(job, 'schedule', occurrence, {
      started_at: isoInstant(dueAt),
      claim: claimFor(occurrence),
      lease_until: isoInstant(now + LEASE_MS),
    })
    const insert = () => this.store.batcher.write({ kind: 'insert', row })
    return { run: { id: row.id, row }, inserted: after ? after.then(insert) : insert() }
  }

  /** A run claimed ahead starts now: its row's start is the real one from here (written with its end). */
  markStarted(run: RecordedRun): void {
    run.row.started_at = isoInstant(this.clock.now())
  }

  /** A run claimed ahead that will not start here: its row goes, and its occurrence's claim with it. */
  async release(run: RecordedRun): Promise<void> {
    await this.store.batcher.write({ kind: 'release', id: run.id })
  }

  /** A queued run gets a slot: it is running from now. */
  async markRunning(run: RecordedRun): Promise<void> {
    const now = this.clock.now()
    run.row = {
      ...run.row,
      status: 'running',
      started_at: isoInstant(now),
      instance: this.instance,
      lease_until: isoInstant(now + LEASE_MS),
    }
    await this.store.batcher.write({ kind: 'update', row: run.row, keepsClaim: true })
  }

  async recordAttempt(
    run: RecordedRun,
    attempt: number,
    startedAt: number,
    status: string,
    error?: string,
  ): Promise<void> {
    await this.store.batcher.write({
      kind: 'attempt',
      row: {
        run_id: run.id,
        attempt,
        started_at: isoInstant(startedAt),
        finished_at: isoInstant(this.clock.now()),
        status,
        error: error ? redact(error) : null,
      },
    })
  }

  /**
   * The run's end. `notices` (outbox rows about this end) are written in the same transaction: the three
   * writes are issued in one tick, so the batcher commits them together, and a terminal run never exists
   * without its notices. `at` is the end's instant when the caller needed it first (for the notices' text).
   */
  async finish(
    job: JobDefinition,
    run: RecordedRun,
    end: RunEnd,
    options: { at?: number; notices?: NewNotice[] } = {},
  ): Promise<string> {
    const finishedAt = isoInstant(options.at ?? this.clock.now())
    run.row = {
      ...run.row,
      status: end.status,
      reason: end.reason ?? null,
      finished_at: finishedAt,
      attempts: end.attempts,
      summary: end.summary ? redact(end.summary) : null,
      error: end.error ? redact(end.error) : null,
      output: end.output ? JSON.stringify(redactDeep(end.output)) : null,
      data: end.data === undefined ? null : JSON.stringify(redactDeep(toJsonSafe(end.data))),
      lease_until: null,
    }
    await Promise.all([
      this.store.batcher.write({ kind: 'update', row: run.row, keepsClaim: true }),
      this.store.batcher.write({
        kind: 'outcome',
        job: job.name,
        status: end.status,
        runId: run.id,
        at: finishedAt,
        failed: FAILED.includes(end.status),
        succeeded: end.status === 'succeeded',
      }),
      ...(options.notices?.length ? [this.store.batcher.write({ kind: 'notices', rows: options.notices })] : []),
    ])
    return finishedAt
  }

  /**
   * An occurrence or run that never starts work (skipped, missed): one row, already terminal. With `claim`,
   * nothing is written (and null returned) when the occurrence is already claimed.
   */
  async recordTerminal(
    job: JobDefinition,
    trigger: RunTrigger,
    scheduledFor: number | null,
    end: RunEnd,
    options: { claim?: string } = {},
  ): Promise<{ id: string; at: string } | null> {
    const at = isoInstant(this.clock.now())
    const row = this.row(job, trigger, scheduledFor, {
      finished_at: at,
      status: end.status,
      reason: end.reason ?? null,
      summary: end.summary ? redact(end.summary) : null,
      error: end.error ? redact(end.error) : null,
      data: end.data === undefined ? null : JSON.stringify(redactDeep(toJsonSafe(end.data))),
      claim: options.claim ?? null,
    })
    const inserted = await this.store.batcher.write({ kind: 'insert', row })
    if (!inserted) return null
    await this.store.batcher.write({
      kind: 'outcome',
      job: job.name,
      status: end.status,
      runId: row.id,
      at,
      failed: false,
      succeeded: false,
    })
    return { id: row.id, at }
  }

  /** The job has handled every occurrence up to `instant`; the watermark never moves back. */
  async advanceWatermark(job: string, instant: number, options: { deferred?: boolean } = {}): Promise<void> {
    const op = { kind: 'watermark', job, watermark: isoInstant(instant), at: isoInstant(this.clock.now()) } as const
    await (options.deferred ? this.store.batcher.writeLater(op) : this.store.batcher.write(op))
  }
}
