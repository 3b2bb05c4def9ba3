import type { Knex } from 'knex'
import type { RunRow } from '../runs.js'
import { RUN_UPDATE_COLUMNS } from './ops.js'
import type { BatchPlan } from './plan.js'

/** Rows a statement: knex writes a SQLite multi-row insert as a UNION ALL, which SQLite caps at 500 terms. */
const CHUNK = 400

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK))
  return out
}

/** `excluded.col` (PostgreSQL) or `VALUES(col)` (MySQL): the value an upsert tried to insert. */
function excluded(trx: Knex.Transaction, col: string): string {
  return trx.client.config.client === 'mysql2' ? `VALUES(${col})` : `excluded.${col}`
}

async function insertRuns(trx: Knex.Transaction, rows: RunRow[]): Promise<Set<string>> {
  const inserted = new Set<string>()
  for (const part of chunks(rows)) {
    const claimed = part.filter((r) => r.claim)
    const plain = part.filter((r) => !r.claim)
    if (plain.length) await trx('runs').insert(plain)
    for (const r of plain) inserted.add(r.id)
    if (claimed.length) {
      await trx('runs').insert(claimed).onConflict(['job', 'claim']).ignore()
      const present = await trx('runs')
        .whereIn(
          'id',
          claimed.map((r) => r.id),
        )
        .select('id')
      for (const r of present) inserted.add(r.id)
    }
  }
  return inserted
}

/** Applies a batch with multi-row statements (PostgreSQL, MySQL/MariaDB; and SQLite where needed). */
export async function applyWithKnex(trx: Knex.Transaction, plan: BatchPlan): Promise<Set<string>> {
  for (const ids of chunks(plan.releases)) await trx('runs').whereIn('id', ids).del()
  const inserted = await insertRuns(trx, plan.inserts)
  for (const rows of chunks(plan.updates))
    await trx('runs')
      .insert(rows)
      .onConflict('id')
      .merge([...RUN_UPDATE_COLUMNS])
  for (const rows of chunks(plan.attempts))
    await trx('run_attempts').insert(rows).onConflict(['run_id', 'attempt']).merge(['finished_at', 'status', 'error'])
  for (const part of chunks(plan.jobs)) {
    await trx('job_state')
      .insert(part.map(({ job, at }) => ({ job, paused: false, consecutive_failures: 0, updated_at: at })))
      .onConflict('job')
      .ignore()
  }
  const x = (c: string) => excluded(trx, c)
  for (const part of chunks(plan.outcomes)) {
    const rows = part.map(({ streak, ...o }) => ({ ...o, paused: false, consecutive_failures: streak }))
    await trx('job_state')
      .insert(rows)
      .onConflict('job')
      .merge({
        last_status: trx.raw(x('last_status')),
        last_run_id: trx.raw(x('last_run_id')),
        last_run_at: trx.raw(x('last_run_at')),
        updated_at: trx.raw(x('updated_at')),
        last_success_at: trx.raw(`COALESCE(${x('last_success_at')}, job_state.last_success_at)`),
        consecutive_failures: trx.raw(
          `CASE WHEN ${x('consecutive_failures')} < 0 THEN -${x('consecutive_failures')} - 1 ELSE job_state.consecutive_failures + ${x('consecutive_failures')} END`,
        ),
      })
  }
  for (const part of chunks(plan.watermarks)) {
    await trx('job_state')
      .insert(part.map((m) => ({ ...m, paused: false, consecutive_failures: 0 })))
      .onConflict('job')
      .merge({
        watermark: trx.raw(
          `CASE WHEN job_state.watermark IS NULL OR job_state.watermark < ${x('watermark')} THEN ${x('watermark')} ELSE job_state.watermark END`,
        ),
        updated_at: trx.raw(x('updated_at')),
      })
  }
  for (const rows of chunks(plan.notices))
    await trx('notices').insert(rows.map((r) => ({ ...r, status: 'pending', attempts: 0 })))
  return inserted
}
