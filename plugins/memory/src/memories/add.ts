import type { Knex } from 'knex'
import { num } from '../store/dialect.js'
import { T } from '../store/tables.js'
import type { NewMemory } from './record.js'
import { findByContent, insertMemories, rehearse } from './write.js'

export interface AddResult {
  id: number
  /** false: the same text was already stored, and this counted as one more access (a rehearsal). */
  created: boolean
  accessCount: number
  activation: number
}

/** Adds a memory, or rehearses it when the same text is already stored. */
export async function addMemory(db: Knex, memory: NewMemory, now: number): Promise<AddResult> {
  return db.transaction(async (trx) => {
    const existing = await findByContent(trx, memory.content)
    let id: number
    if (existing !== undefined) {
      id = existing
      await rehearse(trx, [id], now)
    } else {
      ;[id] = await insertMemories(trx, [memory], now, `add:${now}`)
    }
    const row = await trx(T.items).where({ id }).first('access_count', 'activation')
    return {
      id,
      created: existing === undefined,
      accessCount: num(row.access_count),
      activation: Number(row.activation),
    }
  })
}
