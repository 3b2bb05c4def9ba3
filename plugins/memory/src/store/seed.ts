import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Knex } from 'knex'
import { JobError } from 'circadian'
import { parseMemoriesJsonl } from '../memories/jsonl.js'
import { insertMemories } from '../memories/write.js'
import { isUniqueViolation, lockStore, num } from './dialect.js'
import { T } from './tables.js'

export interface SeedResult {
  file: string
  imported: number
  badLines: number
}

/**
 * Imports the job's `seed` file the first time the store is empty (the template's sample memories), once
 * per store: a `seeded` mark in memory_meta, claimed in the same transaction as the import.
 */
export async function seedIfEmpty(db: Knex, seed: string, configDir: string, now: number): Promise<SeedResult | null> {
  if (await db(T.meta).where({ key: 'seeded' }).first()) return null
  const file = path.resolve(configDir, seed)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new JobError(
      `cannot read the seed file ${seed}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { reason: 'seed' },
    )
  }
  const parsed = parseMemoriesJsonl(text, now, 'seed')
  try {
    return await db.transaction(async (trx) => {
      await lockStore(trx)
      await trx(T.meta).insert({ key: 'seeded', value: JSON.stringify({ file: seed, at: now }) })
      const [{ n }] = (await trx(T.items).count({ n: '*' })) as Array<{ n: unknown }>
      if (num(n) > 0) return null
      await insertMemories(trx, parsed.memories, now, `seed:${seed}`)
      return { file: seed, imported: parsed.memories.length, badLines: parsed.errors.length }
    })
  } catch (err) {
    if (isUniqueViolation(err)) return null
    throw err
  }
}
