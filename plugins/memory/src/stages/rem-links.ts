import type { Knex } from 'knex'
import type { StageParams } from '../options/params.js'
import { dialectOf, num, select } from '../store/dialect.js'
import { T } from '../store/tables.js'

export type RemParams = StageParams['rem']

export interface LinkCandidate {
  /** `${a}-${b}` with a < b. */
  pair: string
  a: number
  b: number
  sharedTags: number
  sharedKeywords: number
  coOccurring: boolean
  /** The rule-based target strength. */
  target: number
}

/**
 * target = min(1, tagWeight·shared tags + keywordWeight·shared keywords + coOccurrenceWeight·co-occurring)
 * for pairs of long-term memories of which at least one was consolidated in the last `window` (fresh).
 * Terms carried by more than `maxTermFrequency` long-term memories are too common to link anything.
 * Co-occurring: neighbours in encoding order (created_at) made at most `coOccurrenceWindow` apart.
 */
export async function findLinkCandidates(
  db: Knex,
  p: RemParams,
  now: number,
): Promise<{ fresh: number; candidates: LinkCandidate[] }> {
  const since = now - p.window
  const [{ n }] = await select<{ n: unknown }>(
    db,
    `select count(*) as n from ${T.longTerm} where consolidated_at >= ?`,
    [since],
  )
  const fresh = num(n)
  if (!fresh) return { fresh, candidates: [] }
  // SQLite must be told to keep the postings as tables (it indexes them itself); PostgreSQL decides alone;
  // MySQL/MariaDB do not know the word.
  const materialized = dialectOf(db) === 'sqlite' ? 'materialized' : ''
  const termPairs = await select<{ a_id: unknown; b_id: unknown; tags: unknown; keywords: unknown }>(
    db,
    `with postings as ${materialized} (
       select t.kind, t.term, t.memory_id, l.consolidated_at from ${T.longTerm} l cross join ${T.terms} t where t.memory_id = l.memory_id
     ), usable as ${materialized} (
       select kind, term from postings group by kind, term having count(*) <= ?
     ), usable_postings as ${materialized} (
       select p.kind, p.term, p.memory_id, p.consolidated_at from usable u cross join postings p where p.kind = u.kind and p.term = u.term
     )
     select a.memory_id as a_id, b.memory_id as b_id,
       sum(case when a.kind = 'tag' then 1 else 0 end) as tags,
       sum(case when a.kind = 'keyword' then 1 else 0 end) as keywords
     from usable_postings a cross join usable_postings b
     where a.consolidated_at >= ? and b.kind = a.kind and b.term = a.term and b.memory_id <> a.memory_id
       and (b.consolidated_at < ? or a.memory_id < b.memory_id)
     group by a.memory_id, b.memory_id
     order by ? * (1.0 * sum(case when a.kind = 'tag' then 1 else 0 end)) + ? * (1.0 * sum(case when a.kind = 'keyword' then 1 else 0 end)) desc, a.memory_id, b.memory_id
     limit ?`,
    [p.maxTermFrequency, since, since, p.tagWeight, p.keywordWeight, p.maxLinks],
  )
  const neighbours = await select<{ a_id: unknown; b_id: unknown }>(
    db,
    `select x.memory_id as a_id, x.next_id as b_id from (
       select l.memory_id, i.created_at, l.consolidated_at,
         lead(l.memory_id) over (order by i.created_at, l.memory_id) as next_id,
         lead(i.created_at) over (order by i.created_at, l.memory_id) as next_created_at,
         lead(l.consolidated_at) over (order by i.created_at, l.memory_id) as next_consolidated_at
       from ${T.longTerm} l join ${T.items} i on i.id = l.memory_id
     ) x
     where x.next_id is not null and x.next_created_at - x.created_at <= ? and (x.consolidated_at >= ? or x.next_consolidated_at >= ?)`,
    [p.coOccurrenceWindow, since, since],
  )
  const byPair = new Map<string, LinkCandidate>()
  const get = (x: number, y: number): LinkCandidate => {
    const [a, b] = x < y ? [x, y] : [y, x]
    const pair = `${a}-${b}`
    let c = byPair.get(pair)
    if (!c) byPair.set(pair, (c = { pair, a, b, sharedTags: 0, sharedKeywords: 0, coOccurring: false, target: 0 }))
    return c
  }
  for (const r of termPairs) {
    const c = get(num(r.a_id), num(r.b_id))
    c.sharedTags = num(r.tags)
    c.sharedKeywords = num(r.keywords)
  }
  for (const r of neighbours) get(num(r.a_id), num(r.b_id)).coOccurring = true
  const candidates = [...byPair.values()]
  for (const c of candidates)
    c.target = Math.min(
      1,
      p.tagWeight * c.sharedTags + p.keywordWeight * c.sharedKeywords + (c.coOccurring ? p.coOccurrenceWeight : 0),
    )
  candidates.sort((x, y) => y.target - x.target || x.a - y.a || x.b - y.b)
  return { fresh, candidates: candidates.slice(0, p.maxLinks) }
}
