import { createHash } from 'node:crypto'
import type { Knex } from 'knex'
import { chunks, dialectOf, placeholders } from '../store/dialect.js'
import { T } from '../store/tables.js'
import type { NewMemory } from './record.js'
import { keywords } from './terms.js'

/** How far one access (a rehearsal: `memory add` of the same text, a recall) lifts activation toward 1. */
export const REHEARSAL_BOOST = 0.5

export function contentHash(content: string): string {
  return createHash('sha256').update(content.trim()).digest('hex')
}

function itemRow(m: NewMemory) {
  return {
    content: m.content,
    content_hash: contentHash(m.content),
    created_at: m.createdAt,
    source: m.source,
    importance: m.importance,
    tags: m.tags.join(','),
    activation: m.activation,
    access_count: m.accessCount,
    last_accessed_at: m.createdAt,
  }
}

async function insertItems(db: Knex, memories: NewMemory[]): Promise<number[]> {
  if (dialectOf(db) === 'mysql') {
    // No RETURNING: one row at a time, so each insert id is known for sure.
    const ids: number[] = []
    for (const m of memories) ids.push(Number((await db(T.items).insert(itemRow(m)))[0]))
    return ids
  }
  const ids: number[] = []
  for (const part of chunks(memories, 200)) {
    const rows = (await db(T.items).insert(part.map(itemRow)).returning('id')) as Array<{ id: number } | number>
    ids.push(...rows.map((r) => Number(typeof r === 'object' ? r.id : r)))
  }
  return ids
}

/**
 * Writes memories (raw, with their tags and keywords; and into short- or long-term memory when a record says
 * it already got there). Returns their ids in order. Run it in a transaction.
 */
export async function insertMemories(db: Knex, memories: NewMemory[], now: number, key: string): Promise<number[]> {
  if (!memories.length) return []
  const ids = await insertItems(db, memories)
  const terms = memories.flatMap((m, i) => [
    ...m.tags.map((term) => ({ memory_id: ids[i], kind: 'tag', term })),
    ...keywords(m.content).map((term) => ({ memory_id: ids[i], kind: 'keyword', term })),
  ])
  for (const part of chunks(terms, 300)) await db(T.terms).insert(part)
  const shortTerm = memories.flatMap((m, i) =>
    m.store === 'short-term'
      ? [
          {
            memory_id: ids[i],
            strength: m.strength!,
            score: m.strength!,
            admitted_at: now,
            admitted_key: key,
            replays: 0,
          },
        ]
      : [],
  )
  for (const part of chunks(shortTerm, 300)) await db(T.shortTerm).insert(part)
  const longTerm = memories.flatMap((m, i) =>
    m.store === 'long-term'
      ? [{ memory_id: ids[i], strength: m.strength!, consolidated_at: now, consolidated_key: key, updated_at: now }]
      : [],
  )
  for (const part of chunks(longTerm, 300)) await db(T.longTerm).insert(part)
  return ids
}

/** An access to existing memories: one more access, now, and activation lifted toward 1. */
export async function rehearse(db: Knex, ids: number[], now: number): Promise<void> {
  for (const part of chunks(ids, 500)) {
    await db.raw(
      `update ${T.items} set access_count = access_count + 1, last_accessed_at = ?, activation = activation + ? * (1 - activation) where id in (${placeholders(part.length)})`,
      [now, REHEARSAL_BOOST, ...part],
    )
  }
}

export async function findByContent(db: Knex, content: string): Promise<number | undefined> {
  const row = await db(T.items)
    .where({ content_hash: contentHash(content) })
    .orderBy('id')
    .first('id')
  return row ? Number(row.id) : undefined
}
