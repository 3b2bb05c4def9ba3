import type { Knex } from 'knex'
import type { StageParams } from '../options/params.js'
import { num, select } from '../store/dialect.js'
import type { StageOutcome } from '../store/stage-runs.js'
import { T } from '../store/tables.js'
import { formatDuration } from '../format.js'

/**
 * Working memory: the memories accessed in the last `window` with activation > `minActivation` and at least
 * `minAccessCount` accesses form the active context, capped at `capacity` (highest activation first; ties:
 * the most recently accessed, then the newest). The context is replaced as a whole.
 */
export async function applyWorking(trx: Knex, p: StageParams['working'], now: number): Promise<StageOutcome> {
  const eligible = `from ${T.items} where last_accessed_at >= ? and last_accessed_at <= ? and activation > ? and access_count >= ?`
  const bindings = [now - p.window, now, p.minActivation, p.minAccessCount]
  // count(*) over (): how many were eligible, in the same round trip as the chosen ones.
  const chosen = await select<{ id: unknown; activation: number; eligible: unknown }>(
    trx,
    `select id, activation, count(*) over () as eligible ${eligible} order by activation desc, last_accessed_at desc, id desc limit ?`,
    [...bindings, p.capacity],
  )
  const n = chosen.length ? num(chosen[0].eligible) : 0
  const previous = new Map<number, number>(
    (
      (await trx(T.working).select('memory_id', 'entered_at')) as Array<{ memory_id: unknown; entered_at: unknown }>
    ).map((r) => [num(r.memory_id), num(r.entered_at)]),
  )
  await trx(T.working).delete()
  const context = chosen.map((r, i) => ({
    memory_id: num(r.id),
    rank: i + 1,
    activation: Number(r.activation),
    entered_at: previous.get(num(r.id)) ?? now,
    updated_at: now,
  }))
  if (context.length) await trx(T.working).insert(context)
  const ids = context.map((c) => c.memory_id)
  const entered = ids.filter((id) => !previous.has(id)).length
  const left = [...previous.keys()].filter((id) => !ids.includes(id)).length
  return {
    summary: `${context.length} of ${p.capacity} slots in working memory (${n} eligible in the last ${formatDuration(p.window)}; ${entered} entered, ${left} left)`,
    data: { eligible: n, inContext: context.length, capacity: p.capacity, entered, left, ids },
    rowsTouched: previous.size + context.length,
  }
}
