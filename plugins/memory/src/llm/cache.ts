import { createHash } from 'node:crypto'
import type { Knex } from 'knex'
import { num } from '../store/dialect.js'
import { T } from '../store/tables.js'

export function cacheKey(model: string, prompt: string): string {
  return createHash('sha256').update(`${model}\n${prompt}`).digest('hex')
}

/** A stored answer younger than `ttl` (counted as a hit), or undefined (the caller asks and stores). */
export async function cachedAnswer(db: Knex, key: string, now: number, ttl: number): Promise<string | undefined> {
  const row = await db(T.llmCache).where({ key }).first('response', 'created_at')
  if (!row || num(row.created_at) < now - ttl) return undefined
  await db(T.llmCache).where({ key }).increment('hits', 1)
  return String(row.response)
}

/** Stores a fresh answer, counting the lookup that missed. */
export async function storeAnswer(db: Knex, key: string, model: string, response: string, now: number): Promise<void> {
  const updated = await db(T.llmCache)
    .where({ key })
    .update({ response, model, created_at: now, misses: db.raw('misses + 1') })
  if (!updated) await db(T.llmCache).insert({ key, model, response, created_at: now, hits: 0, misses: 1 })
}

export interface CacheStats {
  entries: number
  hits: number
  misses: number
  /** hits / (hits + misses); null before the first lookup. */
  hitRate: number | null
}

export async function cacheStats(db: Knex): Promise<CacheStats> {
  const row = await db(T.llmCache).first(
    db.raw('count(*) as entries'),
    db.raw('coalesce(sum(hits), 0) as hits'),
    db.raw('coalesce(sum(misses), 0) as misses'),
  )
  const hits = num(row?.hits)
  const misses = num(row?.misses)
  return { entries: num(row?.entries), hits, misses, hitRate: hits + misses ? hits / (hits + misses) : null }
}
