import type { Knex } from 'knex'
import type { Stage } from '../options/params.js'
import { dialectOf, isUniqueViolation, lockStore, num } from './dialect.js'
import { T } from './tables.js'

/** One occurrence of a stage: what makes running it twice a no-op. */
export interface Occurrence {
  /** `job@<scheduled instant>` for scheduled runs; `job#<run id>` for runs without one (`circadian run`). */
  key: string
  stage: Stage
  job: string
  runId: string
  scheduledFor: number | null
}

export function occurrenceOf(run: { id: string; job: string; scheduledFor: Date | null }, stage: Stage): Occurrence {
  const scheduledFor = run.scheduledFor ? run.scheduledFor.getTime() : null
  const key = scheduledFor !== null ? `${run.job}@${new Date(scheduledFor).toISOString()}` : `${run.job}#${run.id}`
  return { key, stage, job: run.job, runId: run.id, scheduledFor }
}

/** What a stage did: stored with its occurrence and returned as the run's result. */
export interface StageOutcome {
  status?: 'ok' | 'alert'
  summary: string
  data: Record<string, unknown>
  rowsTouched: number
}

export interface StageRunRow {
  occurrence: string
  stage: string
  status: 'running' | 'done'
  finishedAt: number | null
  summary: string | null
  data: Record<string, unknown>
}

function toRow(r: Record<string, unknown>): StageRunRow {
  return {
    occurrence: String(r.occurrence),
    stage: String(r.stage),
    status: r.status as StageRunRow['status'],
    finishedAt: r.finished_at === null ? null : num(r.finished_at),
    summary: (r.summary as string | null) ?? null,
    data: r.data ? (JSON.parse(String(r.data)) as Record<string, unknown>) : {},
  }
}

/** The record of an occurrence; with `lock`, the row stays locked until the transaction ends (not SQLite: its writer is alone anyway). */
export async function findStageRun(db: Knex, key: string, lock = false): Promise<StageRunRow | undefined> {
  const query = db(T.stageRuns).where({ occurrence: key })
  if (lock && dialectOf(db) !== 'sqlite') query.forUpdate()
  const row = await query.first()
  return row ? toRow(row) : undefined
}

export class AlreadyApplied extends Error {
  constructor(readonly row: StageRunRow) {
    super(`occurrence ${row.occurrence} was already applied`)
  }
}

/**
 * Claims the occurrence inside `trx`: its first write, so SQLite takes its write lock before anything is read.
 * A second claim of the same occurrence fails on the unique key (see isUniqueViolation).
 */
export async function claimOccurrence(trx: Knex.Transaction, occ: Occurrence, now: number): Promise<void> {
  await lockStore(trx)
  await trx(T.stageRuns).insert({
    occurrence: occ.key,
    stage: occ.stage,
    job: occ.job,
    run_id: occ.runId,
    scheduled_for: occ.scheduledFor,
    started_at: now,
    status: 'running',
    rows_touched: 0,
  })
}

export async function finishOccurrence(trx: Knex, occ: Occurrence, now: number, outcome: StageOutcome): Promise<void> {
  await trx(T.stageRuns)
    .where({ occurrence: occ.key })
    .update({
      status: 'done',
      finished_at: now,
      rows_touched: outcome.rowsTouched,
      summary: outcome.summary,
      data: JSON.stringify(outcome.data),
    })
}

/**
 * Runs `work` once per occurrence, in one transaction with the record of the occurrence: a second run of the
 * same occurrence (a retry after a commit, a duplicate) changes nothing and reports the first one's result.
 */
export async function applyOnce(
  db: Knex,
  occ: Occurrence,
  clock: { now(): number },
  signal: AbortSignal,
  work: (trx: Knex.Transaction, now: number) => Promise<StageOutcome>,
): Promise<StageOutcome | AlreadyApplied> {
  // No look first: a second run of an occurrence is rare, and its claim fails on the unique key.
  try {
    return await db.transaction(async (trx) => {
      const now = clock.now()
      await claimOccurrence(trx, occ, now)
      const outcome = await work(trx, now)
      // Stopped meanwhile (timeout, shutdown): nothing of it is kept, and the next attempt starts clean.
      if (signal.aborted)
        throw signal.reason instanceof Error
          ? signal.reason
          : new Error(`stopped: ${String(signal.reason ?? 'aborted')}`)
      await finishOccurrence(trx, occ, clock.now(), outcome)
      return outcome
    })
  } catch (err) {
    if (err instanceof AlreadyApplied) return err
    if (isUniqueViolation(err)) {
      const row = await findStageRun(db, occ.key)
      if (row) return new AlreadyApplied(row)
    }
    throw err
  }
}
