import type { Knex } from 'knex'
import type { StageParams } from '../options/params.js'
import { dialectOf, num, placeholders, select } from '../store/dialect.js'
import { T } from '../store/tables.js'

export type ConsolidationParams = StageParams['consolidation'] & { window?: number }

export const FATES = ['strengthened', 'weakened', 'decayed'] as const
export type Fate = (typeof FATES)[number]

export interface BatchResult {
  replayed: number
  strengthened: number
  weakened: number
  decayed: number
  transferred: number
  pruned: number
}

export function emptyBatch(): BatchResult {
  return { replayed: 0, strengthened: 0, weakened: 0, decayed: 0, transferred: 0, pruned: 0 }
}

export function addBatch(total: BatchResult, batch: BatchResult): BatchResult {
  return {
    replayed: total.replayed + batch.replayed,
    strengthened: total.strengthened + batch.strengthened,
    weakened: total.weakened + batch.weakened,
    decayed: total.decayed + batch.decayed,
    transferred: total.transferred + batch.transferred,
    pruned: total.pruned + batch.pruned,
  }
}

/**
 * One replay batch: up to `batchSize` short-term memories not yet replayed in this occurrence, the least
 * recently replayed first (only those admitted in the last `window`, when given). Each gets a fate:
 *   strengthened (× strengthen) if strength >= strongAbove, or if it was accessed since its last replay
 *                               (or its admission): rehearsal;
 *   weakened     (× weaken)     otherwise, if strength < weakBelow;
 *   decayed      (× decay)      otherwise.
 * Strengths are capped at 1. Then strength > transferAbove moves to long-term memory (cortical transfer)
 * and strength < pruneBelow is forgotten (removed from short-term memory).
 */
export async function replayBatch(trx: Knex, p: ConsolidationParams, now: number, key: string): Promise<BatchResult> {
  const windowFilter = p.window !== undefined ? 'and s.admitted_at >= ?' : ''
  const lock = dialectOf(trx) === 'mysql' ? 'for update' : ''
  const batch = await select<{ memory_id: unknown; fate: Fate }>(
    trx,
    `select s.memory_id,
       case when s.strength >= ? or i.last_accessed_at > coalesce(s.last_replayed_at, s.admitted_at) then 'strengthened'
            when s.strength < ? then 'weakened'
            else 'decayed' end as fate
     from ${T.shortTerm} s join ${T.items} i on i.id = s.memory_id
     where (s.replay_key is null or s.replay_key <> ?) ${windowFilter}
     order by coalesce(s.last_replayed_at, 0) asc, s.memory_id asc
     limit ? ${lock}`,
    [p.strongAbove, p.weakBelow, key, ...(p.window !== undefined ? [now - p.window] : []), p.batchSize],
  )
  const result = emptyBatch()
  if (!batch.length) return result
  const factor: Record<Fate, number> = { strengthened: p.strengthen, weakened: p.weaken, decayed: p.decay }
  for (const fate of FATES) {
    const ids = batch.filter((b) => b.fate === fate).map((b) => num(b.memory_id))
    result[fate] = ids.length
    if (!ids.length) continue
    await trx.raw(
      `update ${T.shortTerm}
       set strength = case when strength * ? > 1 then 1 else strength * ? end,
           last_fate = ?, replay_key = ?, last_replayed_at = ?, replays = replays + 1
       where memory_id in (${placeholders(ids.length)})`,
      [factor[fate], factor[fate], fate, key, now, ...ids],
    )
  }
  const ids = batch.map((b) => num(b.memory_id))
  const inBatch = `memory_id in (${placeholders(ids.length)})`
  await trx.raw(
    `insert into ${T.longTerm} (memory_id, strength, consolidated_at, consolidated_key, updated_at)
     select s.memory_id, s.strength, ?, ?, ? from ${T.shortTerm} s
     where s.${inBatch} and s.strength > ? and not exists (select 1 from ${T.longTerm} l where l.memory_id = s.memory_id)`,
    [now, key, now, ...ids, p.transferAbove],
  )
  result.transferred = await trx(T.shortTerm).whereRaw(inBatch, ids).andWhere('strength', '>', p.transferAbove).delete()
  result.pruned = await trx(T.shortTerm).whereRaw(inBatch, ids).andWhere('strength', '<', p.pruneBelow).delete()
  result.replayed = batch.length
  return result
}

export function describeReplay(r: BatchResult): string {
  return `replayed ${r.replayed}: ${r.strengthened} strengthened, ${r.weakened} weakened, ${r.decayed} decayed; ${r.transferred} transferred to long-term memory, ${r.pruned} pruned`
}

export function replayData(r: BatchResult): Record<string, unknown> {
  return {
    replayed: r.replayed,
    strengthened: r.strengthened,
    weakened: r.weakened,
    decayed: r.decayed,
    transferred: r.transferred,
    pruned: r.pruned,
  }
}

export function touched(r: BatchResult): number {
  return r.replayed + r.transferred
}
