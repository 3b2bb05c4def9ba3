import type { Knex } from 'knex'
import { num } from '../db/dialect.js'
import { T } from '../db/tables.js'
import type { FeedSpec } from './feeds/spec.js'

export interface FinishInput {
  spec: FeedSpec
  runId: string
  source: string
  seq: number
  mode: 'full' | 'delta'
  accepted: number
  /** Repeated ids, when the writes counted them (SQLite); otherwise counted here. */
  repeats: number | null
  /** Whether the table had rows before this import: if not, a full import has nothing to retire. */
  tableHadRows: boolean
}

export interface FinishResult {
  /** Accepted rows whose id an earlier row of the same import already had (the later row won). */
  duplicates: number
  /** Rows of this source the full feed no longer has: closed, deactivated or removed. */
  absent: number
}

/** Whether the feed's table holds any row (one index step, however big the table). */
export async function tableHasRows(trx: Knex.Transaction, spec: FeedSpec): Promise<boolean> {
  return (await trx(spec.table).first(trx.raw('1 as found'))) !== undefined
}

/** Set-based steps after the rows are in: count repeated ids, and in a full import retire what is absent. */
export async function finishImport(trx: Knex.Transaction, input: FinishInput): Promise<FinishResult> {
  const { spec, runId } = input
  let duplicates = input.repeats
  if (duplicates === null) {
    const seen = await trx(spec.table).where({ import_run: runId }).count({ n: '*' }).first()
    duplicates = Math.max(0, input.accepted - num(seen?.n))
  }

  // A rejected row still shows its listing or user is in the feed: a full import must not retire it.
  if (spec.key.length === 1 && spec.key[0] === 'external_id') {
    await trx(spec.table)
      .whereNot({ import_run: runId })
      .whereIn('external_id', trx(T.rejects).where({ run_id: runId }).whereNotNull('external_id').select('external_id'))
      .update({ import_run: runId })
  }

  let absent = 0
  // The first import into a table has nothing to retire: no need to scan every row it wrote for that.
  if (input.mode === 'full' && input.tableHadRows) {
    absent = await trx(spec.table)
      .where({ source: input.source, status: spec.status.present })
      .whereNot({ import_run: runId })
      .update({ status: spec.status.absent, change_seq: input.seq })
  }
  return { duplicates, absent }
}
