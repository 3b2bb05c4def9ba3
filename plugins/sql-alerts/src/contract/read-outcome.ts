import { QueryFailure, type QueryRows } from '../query/query-failure.js'
import { displayValue } from '../query/values.js'

/** What a query that kept the contract said. */
export interface QueryOutcome {
  status: 'ALERT' | 'OK'
  actual_value: unknown
  threshold: unknown
  /** Every other column, by name. */
  context: Record<string, unknown>
}

const CONTRACT = "an alert query must return exactly one row with a status column of 'ALERT' or 'OK'"

/** The column named `name`, any case (PostgreSQL folds names to lower case, MySQL and SQLite keep them). */
function findColumn(columns: string[], name: string): string | undefined {
  return columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name)
}

/**
 * SQL Sentinel's query contract: exactly one row; a `status` column whose value is ALERT or OK (any case,
 * surrounding spaces ignored); optional `actual_value` and `threshold`; every other column is context.
 */
export function readOutcome(result: QueryRows, maxRows: number): QueryOutcome {
  if (result.rows.length === 0) throw new QueryFailure('no-rows', `query returned no rows; ${CONTRACT}`)
  if (result.truncated)
    throw new QueryFailure(
      'too-many-rows',
      `query returned more than ${maxRows} rows (maxRows; the rest were not read); ${CONTRACT}`,
    )
  if (result.rows.length > 1)
    throw new QueryFailure('too-many-rows', `query returned ${result.rows.length} rows; ${CONTRACT}`)
  const row = result.rows[0]
  const statusColumn = findColumn(result.columns, 'status')
  if (!statusColumn) {
    const columns = result.columns.length ? result.columns.join(', ') : 'none'
    throw new QueryFailure('missing-status', `query result has no status column (columns: ${columns}); ${CONTRACT}`)
  }
  const raw = row[statusColumn]
  const status = typeof raw === 'string' ? raw.trim().toUpperCase() : null
  if (status !== 'ALERT' && status !== 'OK') {
    const shown =
      raw === null ? 'NULL' : typeof raw === 'string' ? `"${raw}"` : `${displayValue(raw)} (a ${typeof raw})`
    throw new QueryFailure('bad-status', `status is ${shown}; it must be 'ALERT' or 'OK' (any case)`)
  }
  const actualColumn = findColumn(result.columns, 'actual_value')
  const thresholdColumn = findColumn(result.columns, 'threshold')
  const context: Record<string, unknown> = {}
  for (const column of result.columns) {
    if (column !== statusColumn && column !== actualColumn && column !== thresholdColumn) context[column] = row[column]
  }
  return {
    status,
    actual_value: actualColumn ? row[actualColumn] : null,
    threshold: thresholdColumn ? row[thresholdColumn] : null,
    context,
  }
}
