import type { Knex } from 'knex'
import { type CacheStats, cacheStats } from '../llm/cache.js'
import { STAGES } from '../options/params.js'
import { num, select } from '../store/dialect.js'
import { T } from '../store/tables.js'

export interface StoreStats {
  count: number
  meanActivation: number | null
  meanStrength: number | null
}

export interface MemoryStats {
  stores: { raw: StoreStats; working: StoreStats; shortTerm: StoreStats; longTerm: StoreStats }
  links: { count: number; meanStrength: number | null }
  llmCache: CacheStats
  /** When each stage last succeeded (ISO), null if never. */
  lastSucceeded: Record<string, string | null>
}

const mean = (value: unknown, count: number): number | null =>
  count && value !== null && value !== undefined ? Number(value) : null

async function storeStats(db: Knex, sql: string): Promise<StoreStats> {
  const [r] = await select<{ n: unknown; activation: unknown; strength: unknown }>(db, sql)
  const count = num(r.n)
  return { count, meanActivation: mean(r.activation, count), meanStrength: mean(r.strength, count) }
}

/** Counts and means per store: the raw memories, working memory, short-term, long-term; links; LLM cache. */
export async function memoryStats(db: Knex): Promise<MemoryStats> {
  const raw = await storeStats(
    db,
    `select count(*) as n, avg(activation) as activation, null as strength from ${T.items}`,
  )
  const working = await storeStats(
    db,
    `select count(*) as n, avg(activation) as activation, null as strength from ${T.working}`,
  )
  const shortTerm = await storeStats(
    db,
    `select count(*) as n, avg(i.activation) as activation, avg(s.strength) as strength from ${T.shortTerm} s join ${T.items} i on i.id = s.memory_id`,
  )
  const longTerm = await storeStats(
    db,
    `select count(*) as n, avg(i.activation) as activation, avg(l.strength) as strength from ${T.longTerm} l join ${T.items} i on i.id = l.memory_id`,
  )
  const [links] = await select<{ n: unknown; strength: unknown }>(
    db,
    `select count(*) as n, avg(strength) as strength from ${T.associations}`,
  )
  const last = new Map(
    (
      await select<{ stage: string; at: unknown }>(
        db,
        `select stage, max(finished_at) as at from ${T.stageRuns} where status = 'done' group by stage`,
      )
    ).map((r) => [r.stage, num(r.at)]),
  )
  return {
    stores: { raw, working, shortTerm, longTerm },
    links: { count: num(links.n), meanStrength: mean(links.strength, num(links.n)) },
    llmCache: await cacheStats(db),
    lastSucceeded: Object.fromEntries(
      STAGES.map((s) => [s, last.has(s) ? new Date(last.get(s)!).toISOString() : null]),
    ),
  }
}
