/** Error codes and messages that mean "the database went away for now", not "this write is wrong". */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
  '57P01',
  '57P02',
  '57P03',
  '53300',
])

const MESSAGES =
  /connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery mode)|timeout acquiring a connection|connection is in closed state|cannot enqueue .* after fatal error|server closed the connection|socket hang up|database is locked|connection lost|knex: Timeout/i

export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; errno?: string } | null
  if (!e) return false
  if (e.code && (CODES.has(e.code) || e.code.startsWith('08'))) return true
  return MESSAGES.test(e.message ?? '')
}
