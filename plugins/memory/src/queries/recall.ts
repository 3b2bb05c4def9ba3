import type { Knex } from 'knex'
import { normalizeTags, words } from '../memories/terms.js'
import { rehearse } from '../memories/write.js'
import { num, placeholders, select } from '../store/dialect.js'
import { T } from '../store/tables.js'

export interface RecalledMemory {
  id: number
  content: string
  tags: string[]
  store: 'long-term' | 'short-term' | 'raw'
  /** Long-term strength, else short-term strength, else the raw activation. */
  strength: number
  matched: number
  createdAt: string
}

/**
 * What a query is matched with: its words as keywords are made (three or more letters, no common words),
 * and, for tags, each of its words and the whole query (tags may be short, like "ai", or several words).
 */
export function queryTerms(query: string): string[] {
  return [...new Set([...words(query), ...normalizeTags(query.split(/[\s,]+/)), ...normalizeTags([query])])]
}

/**
 * Memories with at least one of the query's terms among their tags or keywords, ranked by strength (then
 * by how many terms matched, then newest first). Unless `peek`, each one returned counts as an access.
 */
export async function recall(
  db: Knex,
  query: string,
  limit: number,
  now: number,
  peek: boolean,
): Promise<RecalledMemory[]> {
  const terms = queryTerms(query)
  if (!terms.length) return []
  const found = await select<Record<string, unknown>>(
    db,
    `select i.id, i.content, i.tags, i.created_at, m.matched, l.strength as ltm, s.strength as stm, i.activation,
       coalesce(l.strength, s.strength, i.activation) as rank_strength
     from (select memory_id, count(distinct term) as matched from ${T.terms} where term in (${placeholders(terms.length)}) group by memory_id) m
     join ${T.items} i on i.id = m.memory_id
     left join ${T.longTerm} l on l.memory_id = i.id
     left join ${T.shortTerm} s on s.memory_id = i.id
     order by rank_strength desc, m.matched desc, i.id desc
     limit ?`,
    [...terms, limit],
  )
  const memories: RecalledMemory[] = found.map((r) => ({
    id: num(r.id),
    content: String(r.content),
    tags: String(r.tags ?? '') ? String(r.tags).split(',') : [],
    store:
      r.ltm !== null && r.ltm !== undefined
        ? 'long-term'
        : r.stm !== null && r.stm !== undefined
          ? 'short-term'
          : 'raw',
    strength: Number(r.rank_strength),
    matched: num(r.matched),
    createdAt: new Date(num(r.created_at)).toISOString(),
  }))
  if (!peek && memories.length)
    await rehearse(
      db,
      memories.map((m) => m.id),
      now,
    )
  return memories
}
