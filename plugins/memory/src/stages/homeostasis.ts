import type { Knex } from 'knex'
import type { StageParams } from '../options/params.js'
import { num, select } from '../store/dialect.js'
import type { StageOutcome } from '../store/stage-runs.js'
import { T } from '../store/tables.js'
import { plural, round } from '../format.js'

/**
 * Synaptic homeostasis: every long-term strength is multiplied by
 *   f = 1 + rate·(target / mean - 1)      (rate 1: the mean becomes exactly `target`)
 * capped at 1; then memories below `pruneBelow` are pruned from long-term memory, with their links.
 */
export async function applyHomeostasis(trx: Knex, p: StageParams['homeostasis'], now: number): Promise<StageOutcome> {
  const [before] = await select<{ n: unknown; mean: unknown }>(
    trx,
    `select count(*) as n, avg(strength) as mean from ${T.longTerm}`,
  )
  const count = num(before.n)
  const mean = num(before.mean)
  const factor = count && mean > 0 ? 1 + p.rate * (p.target / mean - 1) : 1
  if (count) {
    await trx(T.longTerm).update({
      strength: trx.raw('case when strength * ? > 1 then 1 else strength * ? end', [factor, factor]),
      updated_at: now,
    })
  }
  const weakest = `select memory_id from ${T.longTerm} where strength < ?`
  const unlinked =
    (await trx(T.associations).whereRaw(`a_id in (${weakest})`, [p.pruneBelow]).delete()) +
    (await trx(T.associations).whereRaw(`b_id in (${weakest})`, [p.pruneBelow]).delete())
  const pruned = await trx(T.longTerm).where('strength', '<', p.pruneBelow).delete()
  const [after] = await select<{ mean: unknown }>(trx, `select avg(strength) as mean from ${T.longTerm}`)
  const meanAfter = count - pruned ? num(after.mean) : null
  return {
    summary: count
      ? `scaled ${plural(count, 'long-term strength')} ×${round(factor)} (mean ${round(mean)} → ${round(mean * factor)}, target ${p.target}); pruned ${pruned} below ${p.pruneBelow} with ${plural(unlinked, 'link')}`
      : 'no long-term memories to scale',
    data: {
      memories: count,
      meanBefore: count ? mean : null,
      factor,
      meanScaled: count ? mean * factor : null,
      pruned,
      unlinked,
      meanAfter,
    },
    rowsTouched: count + unlinked,
  }
}
