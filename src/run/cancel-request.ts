import { UsageError } from '../errors.js'
import { redactThenTruncate } from '../reliability/redact.js'
import type { Store } from '../state/store.js'

const RUN_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/
const REASON_MAX = 500

export interface CancelResult {
  /** Runs asked to stop, with how each ended (null: still stopping when we stopped waiting). */
  runs: Array<{ id: string; job: string; status: string | null; reason: string | null }>
}

/** Reason text from a person: secrets redacted, then cut to a bounded length. */
export function cancelReasonText(reason: string | undefined): string | null {
  if (!reason?.trim()) return null
  return redactThenTruncate(reason.trim(), REASON_MAX)
}

/**
 * Asks for a run (by id) or a job's running runs (by name) to stop. The serve holding each run sees the
 * request within a second; this waits up to `waitMs` for the runs to end and reports how they did.
 */
export async function requestCancel(
  store: Store,
  target: string,
  by: string,
  reason: string | null,
  waitMs: number,
): Promise<CancelResult> {
  const now = new Date().toISOString()
  const byId = RUN_ID.test(target) ? await store.runControl.get(target) : undefined
  const candidates = byId ? [byId] : await store.runControl.activeRunsOf(target)
  if (!byId && !candidates.length) {
    const known = RUN_ID.test(target) ? `no run with id ${target}` : `job "${target}" has no running run`
    throw new UsageError(`nothing to cancel: ${known}`)
  }
  const asked: Array<{ id: string; job: string }> = []
  for (const run of candidates) {
    if (await store.runControl.requestCancel(run.id, now, by, reason)) asked.push({ id: run.id, job: run.job })
  }
  if (!asked.length)
    throw new UsageError(`nothing to cancel: run ${target} is not running (it is ${byId?.status ?? 'finished'})`)
  const deadline = Date.now() + waitMs
  const runs: CancelResult['runs'] = []
  for (const run of asked) {
    let row = await store.runControl.get(run.id)
    while (row && (row.status === 'running' || row.status === 'queued') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      row = await store.runControl.get(run.id)
    }
    const done = row && row.status !== 'running' && row.status !== 'queued'
    runs.push({ id: run.id, job: run.job, status: done ? row!.status : null, reason: done ? row!.reason : null })
  }
  return { runs }
}
