/**
 * Why an alert query did not produce an outcome. Each kind is a distinct ERROR the user can act on; the
 * kind is kept as the run's `reason`.
 */
export type QueryFailureKind =
  | 'sql-error'
  | 'timeout'
  | 'read-only'
  | 'multiple-statements'
  | 'cancelled'
  | 'no-rows'
  | 'too-many-rows'
  | 'missing-status'
  | 'bad-status'

/** Kinds where the query itself breaks the contract: the same query fails the same way on every retry. */
const CONTRACT_KINDS: ReadonlySet<QueryFailureKind> = new Set([
  'read-only',
  'multiple-statements',
  'no-rows',
  'too-many-rows',
  'missing-status',
  'bad-status',
])

export class QueryFailure extends Error {
  /** Retrying cannot help (a contract error or a syntax error): the run fails without retries. */
  readonly permanent: boolean

  constructor(
    readonly kind: QueryFailureKind,
    message: string,
    options: { syntax?: boolean } = {},
  ) {
    super(message)
    this.name = 'QueryFailure'
    this.permanent = CONTRACT_KINDS.has(kind) || options.syntax === true
  }
}

/**
 * A SQL syntax error, by the database's own code: PostgreSQL SQLSTATE 42601, MySQL/MariaDB errno 1064
 * (ER_PARSE_ERROR), SQLite's "syntax error" / "incomplete input" / "unrecognized token". A missing table
 * or a lost connection is not one: those can be fixed while the retries wait.
 */
export function isSqlSyntaxError(err: { code?: unknown; errno?: unknown; message?: unknown }): boolean {
  if (err.code === '42601' || err.errno === 1064 || err.code === 'ER_PARSE_ERROR') return true
  return (
    typeof err.message === 'string' &&
    /syntax error|incomplete input|unrecognized token/i.test(err.message) &&
    (err.code === undefined || String(err.code).startsWith('SQLITE'))
  )
}

/** The rows a query returned, as plain JSON values, and whether more rows were left unread. */
export interface QueryRows {
  columns: string[]
  rows: Array<Record<string, unknown>>
  /** True when the query returned more than `maxRows` rows and reading stopped. */
  truncated: boolean
}

export interface QueryRequest {
  sql: string
  timeoutMs: number
  maxRows: number
  readOnly: boolean
  /** Aborted when the run is stopped (the job's timeout, Ctrl-C): the query is cancelled. */
  signal?: AbortSignal
}

export function describeMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`
  const s = ms / 1000
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`
  const m = s / 60
  if (m < 60) return `${Number.isInteger(m) ? m : m.toFixed(1)}m`
  const h = m / 60
  return `${Number.isInteger(h) ? h : h.toFixed(1)}h`
}

/** `stoppedBy`: the database enforced the timeout itself, or the plugin had it cancel the statement (or killed the SQLite process). */
export function timeoutFailure(timeoutMs: number, stoppedBy: 'database' | 'plugin' = 'database'): QueryFailure {
  const how = stoppedBy === 'database' ? 'the database stopped it' : 'it was cancelled'
  return new QueryFailure('timeout', `query timed out after ${describeMs(timeoutMs)} (queryTimeout); ${how}`)
}

export function readOnlyFailure(detail: string): QueryFailure {
  return new QueryFailure(
    'read-only',
    `query tried to write, but alert queries run read-only (set readOnly: false to allow writes): ${detail}`,
  )
}

export function cancelledFailure(reason: unknown): QueryFailure {
  const why =
    reason === 'timeout'
      ? "the job's timeout expired"
      : reason === 'replaced'
        ? 'a newer run replaced this one'
        : 'the run was interrupted'
  return new QueryFailure('cancelled', `query cancelled: ${why}`)
}
