import { fileURLToPath } from 'node:url'
import { registerSecret } from '../reliability/secrets.js'
import type { ConfigIssue } from './errors.js'

export const STATE_URL_VAR = 'CIRCADIAN_STATE_URL'

type RawState = { client: string; connection?: string; filename?: string }

const SERVER_SCHEMES: Record<string, string> = {
  'postgres:': 'pg',
  'postgresql:': 'pg',
  'mysql:': 'mysql2',
  'mariadb:': 'mysql2',
}
const SUPPORTED = 'postgres://, postgresql://, mysql://, mariadb://, sqlite:PATH, file:PATH or a plain SQLite file path'

/**
 * What CIRCADIAN_STATE_URL names: a server URL, or a SQLite file (`/data/state.db`, `file:/data/state.db`,
 * `sqlite:///data/state.db`, `sqlite:state.db`; relative paths resolve against the config's directory, like
 * `state.filename`). The value itself never appears in a message: it may hold a password.
 */
export function parseStateUrl(value: string): RawState | ConfigIssue {
  const issue = (message: string): ConfigIssue => ({ path: STATE_URL_VAR, message })
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:)/.exec(value)?.[1]?.toLowerCase()
  // One letter before the colon is a Windows drive (C:\state.db), not a scheme.
  if (!scheme || scheme.length === 2) return { client: 'sqlite', filename: value }
  const server = SERVER_SCHEMES[scheme]
  if (server) {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      return issue(
        `is not a valid ${scheme.slice(0, -1)} URL (expected ${scheme}//USER@HOST:PORT/DATABASE, with the password after USER and a colon, percent-encoded)`,
      )
    }
    if (!url.pathname.replace(/^\//, '')) return issue(`names no database (add /DATABASE after the host and port)`)
    return { client: server, connection: value }
  }
  if (scheme === 'file:') {
    try {
      return {
        client: 'sqlite',
        filename: value.startsWith('file://') ? fileURLToPath(value) : decodeURIComponent(value.slice(5)),
      }
    } catch {
      return issue('is not a valid file: URL (use file:/absolute/path.db or file:relative/path.db)')
    }
  }
  if (scheme === 'sqlite:' || scheme === 'sqlite3:') {
    // sqlite:///abs.db is an absolute path, sqlite://rel.db and sqlite:rel.db relative ones.
    const rest = value.slice(scheme.length)
    const filename = rest.startsWith('///') ? rest.slice(2) : rest.replace(/^\/\//, '')
    if (!filename) return issue(`names no file (use ${scheme}///absolute/path.db or ${scheme}relative/path.db)`)
    return { client: 'sqlite', filename: decodeURIComponent(filename) }
  }
  return issue(`has the unsupported scheme "${scheme.slice(0, -1).slice(0, 20)}" (use ${SUPPORTED})`)
}

/**
 * The raw config with its state store taken from CIRCADIAN_STATE_URL, when that is set: the variable
 * replaces `state`'s client and connection (or filename); `pool`, and `schema` for PostgreSQL, stay as the
 * config sets them. A server URL is a secret from here on, like every env() value.
 */
export function applyStateUrl(raw: unknown, value: string | undefined): { raw: unknown; issues: ConfigIssue[] } {
  if (value === undefined || value.trim() === '') return { raw, issues: [] }
  const parsed = parseStateUrl(value.trim())
  if ('message' in parsed) return { raw, issues: [parsed] }
  if (parsed.connection) registerSecret(parsed.connection)
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { raw, issues: [] }
  const config = raw as Record<string, unknown>
  const before = config.state && typeof config.state === 'object' ? (config.state as Record<string, unknown>) : {}
  const state: Record<string, unknown> = { ...parsed }
  if (before.pool !== undefined) state.pool = before.pool
  if (before.schema !== undefined) {
    if (parsed.client !== 'pg') {
      return {
        raw,
        issues: [
          {
            path: STATE_URL_VAR,
            message:
              'names a database other than PostgreSQL, but the config sets state.schema (a PostgreSQL setting): remove it, or use a postgres:// URL',
          },
        ],
      }
    }
    state.schema = before.schema
  }
  return { raw: { ...config, state }, issues: [] }
}
