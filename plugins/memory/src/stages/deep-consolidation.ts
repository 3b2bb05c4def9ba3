import type { StageParams } from '../options/params.js'
import { isUniqueViolation, lockStore } from '../store/dialect.js'
import {
  AlreadyApplied,
  type StageOutcome,
  claimOccurrence,
  finishOccurrence,
  findStageRun,
} from '../store/stage-runs.js'
import { T } from '../store/tables.js'
import {
  type BatchResult,
  addBatch,
  describeReplay,
  emptyBatch,
  replayBatch,
  replayData,
  touched,
} from './consolidation.js'
import { type StageEnv, throwIfAborted } from './env.js'
import { formatDuration } from '../format.js'

/**
 * Slow-wave sleep: the consolidation rules over every short-term memory admitted in the last `window`, in
 * batches of `batchSize`, each batch its own transaction. A memory is replayed once per occurrence (it
 * carries the occurrence's key), so a retry after a timeout resumes where the last committed batch ended.
 */
export async function runDeepConsolidation(
  env: StageEnv,
  p: StageParams['deep-consolidation'],
): Promise<StageOutcome | AlreadyApplied> {
  const prior = await findStageRun(env.db, env.occ.key)
  if (prior?.status === 'done') return new AlreadyApplied(prior)
  let total: BatchResult = emptyBatch()
  let batches = 0
  if (!prior) {
    try {
      await env.db.transaction((trx) => claimOccurrence(trx, env.occ, env.clock.now()))
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
    }
  } else {
    // Resuming: what the earlier attempt committed.
    total = { ...total, ...(prior.data as Partial<BatchResult>) }
    batches = Number(prior.data.batches ?? 0)
  }
  for (;;) {
    throwIfAborted(env.signal)
    const batch = await env.db.transaction(async (trx) => {
      await lockStore(trx)
      const now = env.clock.now()
      const result = await replayBatch(trx, p, now, env.occ.key)
      if (result.replayed) {
        const sofar = addBatch(total, result)
        await trx(T.stageRuns)
          .where({ occurrence: env.occ.key })
          .update({ data: JSON.stringify({ ...replayData(sofar), batches: batches + 1 }) })
      }
      return result
    })
    if (!batch.replayed) break
    total = addBatch(total, batch)
    batches++
    if (batch.replayed < p.batchSize) break
  }
  const outcome: StageOutcome = {
    summary: `deep consolidation of the last ${formatDuration(p.window)}: ${describeReplay(total)} (${batches} batch${batches === 1 ? '' : 'es'} of up to ${p.batchSize})`,
    data: { ...replayData(total), batches, batchSize: p.batchSize, path: 'rule-based' },
    rowsTouched: touched(total),
  }
  // A duplicate run of this occurrence that finished first keeps its record.
  const finishedElsewhere = await env.db.transaction(async (trx) => {
    await lockStore(trx)
    const row = await findStageRun(trx, env.occ.key, true)
    if (row?.status === 'done') return new AlreadyApplied(row)
    await finishOccurrence(trx, env.occ, env.clock.now(), outcome)
    return null
  })
  return finishedElsewhere ?? outcome
}
