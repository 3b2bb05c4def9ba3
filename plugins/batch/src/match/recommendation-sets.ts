import type { Knex } from 'knex'
import { T } from '../db/tables.js'

/**
 * Recommendations are written under their run's id while the set is `writing`; readers only look at the
 * `current` set, so a run in progress (or one that died) is never seen. Switching is one transaction.
 */
export type SetStatus = 'writing' | 'current' | 'previous' | 'superseded'

/** Sets left `writing` longer than this belong to runs that died; they are removed. */
const ABANDONED_MS = 24 * 3600 * 1000

export async function beginSet(
  trx: Knex.Transaction,
  input: { runId: string; job: string; startedAt: string; now: number },
): Promise<void> {
  const abandoned = trx(T.recommendationSets)
    .where({ status: 'writing' })
    .where('started_at', '<', new Date(input.now - ABANDONED_MS).toISOString())
    .select('run_id')
  await trx(T.recommendations).whereIn('run_id', abandoned.clone()).delete()
  await trx(T.recommendationSets).whereIn('run_id', abandoned).delete()
  // A retried attempt of the same run starts its set again.
  await trx(T.recommendations).where({ run_id: input.runId }).delete()
  await trx(T.recommendationSets).where({ run_id: input.runId }).delete()
  await trx(T.recommendationSets).insert({
    run_id: input.runId,
    job: input.job,
    status: 'writing',
    started_at: input.startedAt,
    users: 0,
    row_count: 0,
  })
}

/**
 * Makes the run's set current, in one transaction. The set it replaces stays as `previous` (a reader that
 * looked up the current set a moment ago still finds its rows); older ones are deleted. A run that started
 * before the current set's run (two match runs overlapping) does not replace it: its rows are dropped and
 * its set marked `superseded`.
 */
export async function publishSet(
  trx: Knex.Transaction,
  input: { runId: string; finishedAt: string; users: number; rows: number },
): Promise<'current' | 'superseded'> {
  const mine = await trx(T.recommendationSets).where({ run_id: input.runId }).first('started_at')
  const current = await trx(T.recommendationSets).where({ status: 'current' }).first('run_id', 'started_at')
  const counts = { finished_at: input.finishedAt, users: input.users, row_count: input.rows }
  if (
    current &&
    (current.started_at > mine.started_at || (current.started_at === mine.started_at && current.run_id > input.runId))
  ) {
    await trx(T.recommendations).where({ run_id: input.runId }).delete()
    await trx(T.recommendationSets)
      .where({ run_id: input.runId })
      .update({ ...counts, status: 'superseded' })
    return 'superseded'
  }
  const older = trx(T.recommendationSets).where({ status: 'previous' }).select('run_id')
  await trx(T.recommendations).whereIn('run_id', older.clone()).delete()
  await trx(T.recommendationSets).where({ status: 'previous' }).delete()
  if (current) await trx(T.recommendationSets).where({ run_id: current.run_id }).update({ status: 'previous' })
  await trx(T.recommendationSets)
    .where({ run_id: input.runId })
    .update({ ...counts, status: 'current' })
  return 'current'
}
