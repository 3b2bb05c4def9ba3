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

const set = (columns: readonly string[]) => columns.map((c) => `${c} = @${c}`).join(', ')

/** A run's end in its job's state (failure streak, last run), with the job's watermark too when `withWatermark`. */
function outcomeSql(withWatermark: boolean): string {
  const mark = (sql: string) => (withWatermark ? sql : '')
  return `INSERT INTO job_state (job, paused, consecutive_failures, updated_at, last_status, last_run_id, last_run_at, last_success_at${mark(', watermark')})
    VALUES (@job, 0, CASE WHEN @streak < 0 THEN -@streak - 1 ELSE @streak END, @updated_at, @last_status, @last_run_id, @last_run_at, @last_success_at${mark(', @watermark')})
    ON CONFLICT (job) DO UPDATE SET last_status = @last_status, last_run_id = @last_run_id, last_run_at = @last_run_at, updated_at = @updated_at,
    last_success_at = COALESCE(@last_success_at, last_success_at),
    consecutive_failures = CASE WHEN @streak < 0 THEN -@streak - 1 ELSE consecutive_failures + @streak END${mark(`,
    watermark = CASE WHEN job_state.watermark IS NULL OR job_state.watermark < @watermark THEN @watermark ELSE job_state.watermark END`)}`
}

const SQL = {
  releaseRun: `DELETE FROM runs WHERE id = ?`,
  insertRun: `INSERT INTO runs (${cols}) VALUES (${params})`,
  claimRun: `INSERT INTO runs (${cols}) VALUES (${params}) ON CONFLICT (job, claim) DO NOTHING`,
  // A plain UPDATE names only what changes: SQLite then maintains only the indexes over those columns.
  updateRun: `UPDATE runs SET ${set(RUN_UPDATE_COLUMNS)} WHERE id = @id`,
  updateRunKeepClaim: `UPDATE runs SET ${set(RUN_UPDATE_COLUMNS.filter((c) => c !== 'claim'))} WHERE id = @id`,
  upsertRun: `INSERT INTO runs (${cols}) VALUES (${params}) ON CONFLICT (id) DO UPDATE SET ${RUN_UPDATE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  attempt: `INSERT INTO run_attempts (run_id, attempt, started_at, finished_at, status, error) VALUES (@run_id, @attempt, @started_at, @finished_at, @status, @error)
    ON CONFLICT (run_id, attempt) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status, error = excluded.error`,
  // One statement per job and kind: the row is created on first use (streak -(k+1) means "reset to k").
  outcome: outcomeSql(false),
  // A run's end and its job's watermark usually share a batch (the watermark is written after the claims):
  // one statement for both, 10,000 fewer a second at 10,000 jobs/s.
  outcomeAndWatermark: outcomeSql(true),
  watermark: `INSERT INTO job_state (job, paused, consecutive_failures, updated_at, watermark) VALUES (@job, 0, 0, @updated_at, @watermark)
    ON CONFLICT (job) DO UPDATE SET watermark = @watermark, updated_at = @updated_at WHERE job_state.watermark IS NULL OR job_state.watermark < @watermark`,
  notice: `INSERT INTO notices (key, notifier, job, run_id, event, body, status, attempts, created_at, next_attempt_at, expires_at)
    VALUES (@key, @notifier, @job, @run_id, @event, @body, 'pending', 0, @created_at, @next_attempt_at, @expires_at)`,
}

const prepared = new WeakMap<SqliteDatabase, Record<keyof typeof SQL, Statement>>()

function statements(db: SqliteDatabase): Record<keyof typeof SQL, Statement> {
  let s = prepared.get(db)
  if (!s) {
    s = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<
      keyof typeof SQL,
      Statement
    >
    prepared.set(db, s)
  }
  return s
}

/**
 * better-sqlite3 needs every named parameter a statement has: a row missing an optional column is copied
 * with nulls; a complete row (every row the recorder makes) is bound as it is.
 */
function runParams(row: RunRow): RunRow {
  if (row.claim !== undefined && row.lease_until !== undefined) return row
  const out: Record<string, unknown> = {}
  for (const c of RUN_COLUMNS) out[c] = row[c] ?? null
  return out as unknown as RunRow
}

const attemptParams = (a: AttemptRow) => ({
  run_id: a.run_id,
  attempt: a.attempt,
  started_at: a.started_at,
  finished_at: a.finished_at,
  status: a.status,
  error: a.error,
})

/**
 * Applies a batch on SQLite with statements prepared once per connection, in one synchronous transaction:
 * a row costs a few microseconds, where knex would build and prepare a new multi-row statement each time.
 */
export function applyWithSqlite(db: SqliteDatabase, plan: BatchPlan): Set<string> {
  const st = statements(db)
  const inserted = new Set<string>()
  db.transaction(() => {
    for (const id of plan.releases) st.releaseRun.run(id)
    for (const row of plan.inserts) {
      const info = (row.claim ? st.claimRun : st.insertRun).run(runParams(row))
      if (info.changes === 1) inserted.add(row.id)
    }
    for (const row of plan.updates) {
      const params = runParams(row)
      // A row no longer there (removed while the run went on) is written back whole.
      if ((plan.keepsClaim.has(row) ? st.updateRunKeepClaim : st.updateRun).run(params).changes === 0)
        st.upsertRun.run(params)
    }
    for (const a of plan.attempts) st.attempt.run(attemptParams(a))
    const marks = new Map(plan.watermarks.map((m) => [m.job, m]))
    for (const o of plan.outcomes) {
      const m = marks.get(o.job)
      if (!m) {
        st.outcome.run(o)
        continue
      }
      marks.delete(o.job)
      const updated_at = m.updated_at > o.updated_at ? m.updated_at : o.updated_at
      st.outcomeAndWatermark.run({ ...o, updated_at, watermark: m.watermark })
    }
    for (const m of marks.values()) st.watermark.run(m)
    for (const n of plan.notices) st.notice.run(n)
  })()
  return inserted
}
