import type { RunRow } from '../state/runs.js'

/** A run as the CLI's --json and the HTTP API show it. */
export function runView(row: RunRow) {
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
    data: row.data ? (JSON.parse(row.data) as unknown) : null,
    output: row.output ? (JSON.parse(row.output) as { stdout?: string; stderr?: string }) : null,
    instance: row.instance,
  }
}
