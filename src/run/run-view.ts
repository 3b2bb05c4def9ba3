import type { RunRow } from '../state/runs.js'

/** A stored JSON column, or a marker when it is not JSON (a damaged row): one bad row never hides the others. */
function parsedColumn(text: string | null, column: string, malformed: string[]): unknown {
  if (!text) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    malformed.push(column)
    return null
  }
}

type RunFactColumns =
  | 'id'
  | 'job'
  | 'type'
  | 'trigger'
  | 'status'
  | 'reason'
  | 'scheduled_for'
  | 'started_at'
  | 'finished_at'
  | 'attempts'
  | 'summary'
  | 'error'

/** What every view of a run shows: its facts, summary and error (the API's lists show only these). */
export function runFacts(row: Pick<RunRow, RunFactColumns>) {
  return {
    id: row.id,
    job: row.job,
    type: row.type,
    trigger: row.trigger,
    status: row.status,
    reason: row.reason,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    summary: row.summary,
    error: row.error,
  }
}

/** A run as the CLI's --json and the HTTP API show it. */
export function runView(row: RunRow) {
  const malformed: string[] = []
  const data = parsedColumn(row.data, 'data', malformed)
  const output = parsedColumn(row.output, 'output', malformed) as { stdout?: string; stderr?: string } | null
  return {
    ...runFacts(row),
    data,
    output,
    instance: row.instance,
    /** Columns of this row that are not valid JSON (shown as null): the row is damaged, the others are not. */
    ...(malformed.length ? { malformed } : {}),
  }
}
