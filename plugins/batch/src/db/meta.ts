import type { Knex } from 'knex'
import { num, numOrNull } from './dialect.js'
import { T } from './tables.js'

/**
 * The next value of the change counter. Every import stamps the rows it changes with it, and score
 * remembers the last value it saw, so "changed since the last score" needs no clocks. The update also
 * makes concurrent imports on one database take turns (the second waits for the first to commit).
 */
export async function nextChangeSeq(trx: Knex.Transaction): Promise<number> {
  await trx(T.meta).where({ name: 'change_seq' }).increment('num', 1)
  const row = await trx(T.meta).where({ name: 'change_seq' }).first('num')
  return num(row?.num)
}

export async function currentChangeSeq(db: Knex): Promise<number> {
  const row = await db(T.meta).where({ name: 'change_seq' }).first('num')
  return num(row?.num)
}

/** Takes the named lock row for the rest of the transaction: runs of one job type take turns. */
export async function takeLock(trx: Knex.Transaction, lock: 'score' | 'match'): Promise<void> {
  await trx(T.meta)
    .where({ name: `lock:${lock}` })
    .update({ num: trx.raw('num + 1') })
}

export interface Watermark {
  seq: number | null
  fingerprint: string | null
}

export async function readWatermark(db: Knex, name: string): Promise<Watermark> {
  const row = await db(T.meta).where({ name }).first('num', 'value')
  return { seq: numOrNull(row?.num), fingerprint: (row?.value as string | undefined) ?? null }
}

export async function writeWatermark(
  trx: Knex.Transaction,
  name: string,
  mark: { seq: number; fingerprint: string },
): Promise<void> {
  await trx(T.meta).insert({ name, num: mark.seq, value: mark.fingerprint }).onConflict('name').merge(['num', 'value'])
}
