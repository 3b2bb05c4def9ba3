import { runFacts } from '../../run/run-view.js'
import { type RunRow, type RunStatus, startedOrEnded } from '../../state/runs.js'
import type { Store } from '../../state/store.js'

/**
 * The columns of `runs` stored before `output`. Lists read only these: selecting the output, even
 * `substr(output, 1, n)` or `output is null`, or any column stored after it (`data`, `instance`, ...), makes
 * SQLite walk every row's overflow pages (with better-sqlite3, on the event loop: 88-136 ms for 1,000 runs of
 * 140 KB, and 270 ms for 500 with `instance`, against 3-9 ms without).
 */
const LIST_COLUMNS = [
  'id',
  'job',
  'type',
  'trigger',
  'scheduled_for',
  'created_at',
  'started_at',
  'finished_at',
  'status',
  'reason',
  'attempts',
  'summary',
  'error',
] as const

export type RunListRow = Pick<RunRow, (typeof LIST_COLUMNS)[number]>

/** Where one run's output is served (the API's own path; the dashboard uses it relative to its page). */
export const outputPath = (id: string) => `api/runs/${encodeURIComponent(id)}/output`

/** A job's runs, newest first, without their output or data. */
export async function listRuns(
  store: Store,
  query: { job: string; status?: RunStatus; limit: number },
): Promise<RunListRow[]> {
  const q = startedOrEnded(
    store
      .knex('runs')
      .select(...LIST_COLUMNS)
      .where('job', query.job),
  )
  if (query.status) q.where('status', query.status)
  const rows: RunListRow[] = await q
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(query.limit)
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }))
}

/** A run in an API list: its facts and summary (the short preview), and where its output is (its instance and data: GET /api/runs/:id). */
export function runListView(row: RunListRow) {
  return { ...runFacts(row), outputUrl: `/${outputPath(row.id)}` }
}

/** One run's output, as stored (already redacted, the last 64 KB of each stream for `command` jobs). */
export async function runOutput(
  store: Store,
  id: string,
): Promise<{
  id: string
  job: string
  status: RunStatus
  stdout: string | null
  stderr: string | null
  malformed?: string[]
} | null> {
  const row: Pick<RunRow, 'id' | 'job' | 'status' | 'output'> | undefined = await store
    .knex('runs')
    .select('id', 'job', 'status', 'output')
    .where({ id })
    .first()
  if (!row) return null
  let output: { stdout?: unknown; stderr?: unknown } = {}
  try {
    output = row.output ? ((JSON.parse(row.output) as typeof output) ?? {}) : {}
  } catch {
    // A damaged row is shown as such, never a 500.
    return { id: row.id, job: row.job, status: row.status, stdout: null, stderr: null, malformed: ['output'] }
  }
  const text = (v: unknown) => (typeof v === 'string' && v.length ? v : null)
  return { id: row.id, job: row.job, status: row.status, stdout: text(output.stdout), stderr: text(output.stderr) }
}
