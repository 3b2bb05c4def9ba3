import type { Knex } from 'knex'
import { num, select } from '../store/dialect.js'
import { T } from '../store/tables.js'

export interface MemoryDetails {
  id: number
  content: string
  source: string
  createdAt: string
  lastAccessedAt: string
  importance: number
  activation: number
  accessCount: number
  tags: string[]
  keywords: string[]
  working: { rank: number; activation: number; enteredAt: string } | null
  shortTerm: { strength: number; score: number; admittedAt: string; replays: number; lastFate: string | null } | null
  longTerm: { strength: number; consolidatedAt: string } | null
  links: Array<{ id: number; strength: number; target: number; label: string | null; content: string }>
}

const iso = (ms: unknown) => new Date(num(ms)).toISOString()

/** One memory: its fields, where it is in the pipeline, and its strongest links. */
export async function showMemory(db: Knex, id: number, linkLimit = 10): Promise<MemoryDetails | null> {
  const item = await db(T.items).where({ id }).first()
  if (!item) return null
  const terms = (await db(T.terms).where({ memory_id: id, kind: 'keyword' }).select('term')) as Array<{ term: string }>
  const w = await db(T.working).where({ memory_id: id }).first()
  const s = await db(T.shortTerm).where({ memory_id: id }).first()
  const l = await db(T.longTerm).where({ memory_id: id }).first()
  const links = await select<Record<string, unknown>>(
    db,
    `select case when a.a_id = ? then a.b_id else a.a_id end as other, a.strength, a.target, a.label, i.content
     from ${T.associations} a join ${T.items} i on i.id = case when a.a_id = ? then a.b_id else a.a_id end
     where a.a_id = ? or a.b_id = ?
     order by a.strength desc, other asc limit ?`,
    [id, id, id, id, linkLimit],
  )
  return {
    id,
    content: String(item.content),
    source: String(item.source),
    createdAt: iso(item.created_at),
    lastAccessedAt: iso(item.last_accessed_at),
    importance: Number(item.importance),
    activation: Number(item.activation),
    accessCount: num(item.access_count),
    tags: item.tags ? String(item.tags).split(',') : [],
    keywords: terms.map((t) => t.term).sort(),
    working: w ? { rank: num(w.rank), activation: Number(w.activation), enteredAt: iso(w.entered_at) } : null,
    shortTerm: s
      ? {
          strength: Number(s.strength),
          score: Number(s.score),
          admittedAt: iso(s.admitted_at),
          replays: num(s.replays),
          lastFate: (s.last_fate as string | null) ?? null,
        }
      : null,
    longTerm: l ? { strength: Number(l.strength), consolidatedAt: iso(l.consolidated_at) } : null,
    links: links.map((r) => ({
      id: num(r.other),
      strength: Number(r.strength),
      target: Number(r.target),
      label: (r.label as string | null) ?? null,
      content: String(r.content),
    })),
  }
}
