import type { AttemptRow, RunRow } from '../runs.js'
import { RUN_COLUMNS, RUN_UPDATE_COLUMNS } from './ops.js'
import type { BatchPlan } from './plan.js'

interface Statement {
  run(params?: unknown): { changes: number }
}

/** The parts of a better-sqlite3 Database used here. */
export interface SqliteDatabase {
  prepare(sql: string): Statement
  transaction(fn: () => void): () => void
}

const cols = RUN_COLUMNS.join(', ')
const params = RUN_COLUMNS.map((c) => `@${c}`).join(', ')

const SQL = {
  insertRun: `INSERT INTO runs (${cols}) VALUES (${params})`,
  claimRun: `INSERT INTO runs (${cols}) VALUES (${params}) ON CONFLICT (job, claim) DO NOTHING`,
  updateRun: `INSERT INTO runs (${cols}) VALUES (${params}) ON CONFLICT (id) DO UPDATE SET ${RUN_UPDATE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  attempt: `INSERT INTO run_attempts (run_id, attempt, started_at, finished_at, status, error) VALUES (@run_id, @attempt, @started_at, @finished_at, @status, @error)
    ON CONFLICT (run_id, attempt) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status, error = excluded.error`,
  ensureJob: `INSERT INTO job_state (job, paused, consecutive_failures, updated_at) VALUES (@job, 0, 0, @at) ON CONFLICT (job) DO NOTHING`,
  outcome: `UPDATE job_state SET last_status = @last_status, last_run_id = @last_run_id, last_run_at = @last_run_at, updated_at = @updated_at,
    last_success_at = COALESCE(@last_success_at, last_success_at),
    consecutive_failures = CASE WHEN @streak < 0 THEN -@streak - 1 ELSE consecutive_failures + @streak END WHERE job = @job`,
  watermark: `UPDATE job_state SET watermark = @watermark, updated_at = @updated_at WHERE job = @job AND (watermark IS NULL OR watermark < @watermark)`,
}

const prepared = new WeakMap<SqliteDatabase, Record<keyof typeof SQL, Statement>>()

function statements(db: SqliteDatabase): Record<keyof typeof SQL, Statement> {
  let s = prepared.get(db)
  if (!s) {
    s = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<keyof typeof SQL, Statement>
    prepared.set(db, s)
  }
  return s
}

/** better-sqlite3 binds exactly the named parameters a statement has; absent optional columns become null. */
function runParams(row: RunRow): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of RUN_COLUMNS) out[c] = row[c] ?? null
  return out
}

const attemptParams = (a: AttemptRow) => ({ run_id: a.run_id, attempt: a.attempt, started_at: a.started_at, finished_at: a.finished_at, status: a.status, error: a.error })

/**
 * Applies a batch on SQLite with statements prepared once per connection, in one synchronous transaction:
 * a row costs a few microseconds, where knex would build and prepare a new multi-row statement each time.
 */
export function applyWithSqlite(db: SqliteDatabase, plan: BatchPlan): Set<string> {
  const st = statements(db)
  const inserted = new Set<string>()
  db.transaction(() => {
    for (const row of plan.inserts) {
      const info = (row.claim ? st.claimRun : st.insertRun).run(runParams(row))
      if (info.changes === 1) inserted.add(row.id)
    }
    for (const row of plan.updates) st.updateRun.run(runParams(row))
    for (const a of plan.attempts) st.attempt.run(attemptParams(a))
    for (const j of plan.jobs) st.ensureJob.run(j)
    for (const o of plan.outcomes) st.outcome.run(o)
    for (const m of plan.watermarks) st.watermark.run(m)
  })()
  return inserted
}
