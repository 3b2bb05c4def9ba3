import type { Knex } from 'knex'
import type { StageParams } from '../options/params.js'
import { num, select } from '../store/dialect.js'
import type { StageOutcome } from '../store/stage-runs.js'
import { T } from '../store/tables.js'
import { formatDuration, plural } from '../format.js'

/**
 * The candidates: memories accessed in the last `window` that are in neither short- nor long-term memory.
 * Their score, with age = now - last access:
 *   recency   = max(0, 1 - age / window)
 *   frequency = min(1, access_count / frequencyCap)
 *   score     = 0.4·activation + 0.3·recency + 0.2·frequency + 0.1·importance   (weights are parameters)
 */
function candidates(p: StageParams['short-term'], now: number) {
  const w = p.weights
  const recency = `(case when 1 - (? - i.last_accessed_at) * 1.0 / ? < 0 then 0 else 1 - (? - i.last_accessed_at) * 1.0 / ? end)`
  const frequency = `(case when i.access_count * 1.0 / ? > 1 then 1 else i.access_count * 1.0 / ? end)`
  return {
    score: `(? * i.activation + ? * ${recency} + ? * ${frequency} + ? * i.importance)`,
    scoreBindings: [
      w.activation,
      w.recency,
      now,
      p.window,
      now,
      p.window,
      w.frequency,
      p.frequencyCap,
      p.frequencyCap,
      w.importance,
    ],
    where: `i.last_accessed_at >= ? and i.last_accessed_at <= ?
      and not exists (select 1 from ${T.shortTerm} s where s.memory_id = i.id)
      and not exists (select 1 from ${T.longTerm} l where l.memory_id = i.id)`,
    whereBindings: [now - p.window, now],
  }
}

/**
 * Short-term memory, admission and competition: the `capacity` best-scoring candidates with a score of at
 * least `minScore` enter short-term memory (their strength starts at their score); every other candidate
 * decays: activation × `decay`.
 */
export async function applyShortTerm(
  trx: Knex,
  p: StageParams['short-term'],
  now: number,
  key: string,
): Promise<StageOutcome> {
  const c = candidates(p, now)
  const [{ n }] = await select<{ n: unknown }>(
    trx,
    `select count(*) as n from ${T.items} i where ${c.where}`,
    c.whereBindings,
  )
  await trx.raw(
    `insert into ${T.shortTerm} (memory_id, strength, score, admitted_at, admitted_key, replays)
     select id, score, score, ?, ?, 0 from (
       select i.id, i.last_accessed_at, ${c.score} as score from ${T.items} i where ${c.where}
     ) ranked where score >= ? order by score desc, last_accessed_at desc, id asc limit ?`,
    [now, key, ...c.scoreBindings, ...c.whereBindings, p.minScore, p.capacity],
  )
  const admitted = await select<{ memory_id: unknown; score: number }>(
    trx,
    `select memory_id, score from ${T.shortTerm} where admitted_key = ? order by score desc, memory_id asc`,
    [key],
  )
  // The admitted are in short-term memory now, so the candidates left are the losers.
  const decayed = await trx(`${T.items} as i`)
    .whereRaw(c.where, c.whereBindings)
    .update({ activation: trx.raw('activation * ?', [p.decay]) })
  return {
    summary: `${admitted.length} admitted to short-term memory (of ${plural(num(n), 'candidate')} from the last ${formatDuration(p.window)}, at most ${p.capacity}); ${decayed} decayed ×${p.decay}`,
    data: {
      candidates: num(n),
      admitted: admitted.length,
      decayed,
      capacity: p.capacity,
      scores: admitted.map((a) => ({ id: num(a.memory_id), score: Number(a.score) })),
    },
    rowsTouched: admitted.length + decayed,
  }
}
