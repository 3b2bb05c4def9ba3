import type { Knex } from 'knex'
import { readOutcome } from '../contract/read-outcome.js'
import { type SqlAlertOptions, durationMs } from '../job-type/options.js'
import { QueryFailure } from '../query/query-failure.js'
import { runAlertQuery } from '../query/run-alert-query.js'
import type { Evaluation } from '../state/advance.js'

/**
 * Runs an alert's query and applies the contract: ALERT or OK with the row's values, or ERROR saying what
 * went wrong. Touches no state and sends nothing (`alerts test` uses it as it is).
 */
export async function evaluateQuery(db: Knex, options: SqlAlertOptions, signal?: AbortSignal): Promise<Evaluation> {
  try {
    const rows = await runAlertQuery(db, {
      sql: options.query,
      timeoutMs: durationMs(options.queryTimeout),
      maxRows: options.maxRows,
      readOnly: options.readOnly,
      signal,
    })
    const outcome = readOutcome(rows, options.maxRows)
    return { kind: outcome.status, outcome }
  } catch (err) {
    if (err instanceof QueryFailure)
      return { kind: 'ERROR', error: { kind: err.kind, message: err.message, permanent: err.permanent } }
    const message = err instanceof Error ? err.message : String(err)
    return { kind: 'ERROR', error: { kind: 'sql-error', message: `query failed: ${message}` } }
  }
}
