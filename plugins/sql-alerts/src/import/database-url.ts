import { existsSync } from 'node:fs'
import path from 'node:path'
import { UserError } from 'circadian'
import { Code, quote } from './code.js'
import { type EnvRegistry, hasPlaceholder, wholePlaceholder } from './env-refs.js'

export interface ConvertedConnection {
  /** The `connections` entry, as values for toSource. */
  entry: Record<string, unknown>
  /** "PostgreSQL db.example.com/sales" — for messages; never holds a secret. */
  label: string
  notes: string[]
}

interface UrlContext {
  /** Directory of the alerts.yaml (SQLite paths are relative to it). */
  yamlDir: string
  /** Directory of the config being written (its SQLite paths are relative to it). */
  outDir: string
  /** The directory the import runs in. */
  cwd: string
  env: EnvRegistry
}

const SQLITE = new Set(['sqlite'])
const POSTGRES = new Set(['postgresql', 'postgres', 'pgsql', 'redshift', 'cockroachdb'])
const MYSQL = new Set(['mysql', 'mariadb'])

function unsupported(dialect: string): UserError {
  return new UserError(
    `database.url uses "${dialect}"; circadian's sql-alert connects to PostgreSQL, MySQL/MariaDB and SQLite (sqlite:///file.db, postgresql://user@host/db, mysql+pymysql://user@host/db)`,
  )
}

/** SQLAlchemy's sqlite URLs: sqlite:// and sqlite:///:memory: (memory), sqlite:///rel/path.db, sqlite:////abs/path.db. */
function sqliteEntry(rest: string, ctx: UrlContext): ConvertedConnection {
  const notes: string[] = []
  const withoutQuery = rest.split('?')[0]
  if (withoutQuery === '' || withoutQuery === '/:memory:' || withoutQuery === '/') {
    return {
      entry: { client: 'sqlite', filename: ':memory:' },
      label: 'SQLite in memory',
      notes: ['database.url is an in-memory SQLite database: alert queries will see an empty database'],
    }
  }
  const file = decodeURIComponent(withoutQuery.slice(1))
  if (hasPlaceholder(file)) {
    return {
      entry: {
        client: 'sqlite',
        filename: ctx.env.expression(file, 'SQLite database file (database.url)', { secret: false }),
      },
      label: `SQLite ${file}`,
      notes,
    }
  }
  let absolute = path.isAbsolute(file) ? file : path.resolve(ctx.yamlDir, file)
  if (!path.isAbsolute(file) && !existsSync(absolute)) {
    // SQLAlchemy itself reads a relative path against the directory the tool runs in.
    const fromCwd = path.resolve(ctx.cwd, file)
    if (existsSync(fromCwd)) {
      notes.push(
        `database.url ${file} is not next to the YAML file; using ${fromCwd} (relative to the current directory, as SQLAlchemy reads it)`,
      )
      absolute = fromCwd
    } else {
      notes.push(`database.url names ${absolute}, which does not exist yet`)
    }
  } else if (!existsSync(absolute)) {
    notes.push(`database.url names ${absolute}, which does not exist yet`)
  }
  const relative = path.relative(ctx.outDir, absolute).split(path.sep).join('/')
  const filename = relative && !relative.startsWith('../../..') ? relative : absolute
  return { entry: { client: 'sqlite', filename }, label: `SQLite ${filename}`, notes }
}

interface UrlParts {
  user?: string
  password?: string
  host?: string
  port?: string
  database?: string
  query: URLSearchParams
}

function splitServerUrl(rest: string): UrlParts {
  const q = rest.indexOf('?')
  const query = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '')
  const main = q >= 0 ? rest.slice(0, q) : rest
  const at = main.lastIndexOf('@')
  const userinfo = at >= 0 ? main.slice(0, at) : undefined
  const afterAt = at >= 0 ? main.slice(at + 1) : main
  const slash = afterAt.indexOf('/')
  const hostport = slash >= 0 ? afterAt.slice(0, slash) : afterAt
  const database = slash >= 0 ? afterAt.slice(slash + 1) : undefined
  const parts: UrlParts = { query }
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':')
    parts.user = colon >= 0 ? userinfo.slice(0, colon) : userinfo
    if (colon >= 0) parts.password = userinfo.slice(colon + 1)
  }
  const portMatch = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport)!
  parts.host = portMatch[1] || undefined
  parts.port = portMatch[2] || undefined
  parts.database = database || undefined
  return parts
}

const decode = (text: string) => (hasPlaceholder(text) ? text : decodeURIComponent(text))

function serverEntry(
  client: 'pg' | 'mysql' | 'mariadb',
  dialect: string,
  rest: string,
  ctx: UrlContext,
): ConvertedConnection {
  const notes: string[] = []
  const parts = splitServerUrl(rest)
  const connection: Record<string, unknown> = {}
  if (parts.host)
    connection.host = ctx.env.expression(decode(parts.host.replace(/^\[|\]$/g, '')), 'database host (database.url)', {
      secret: false,
    })
  if (parts.port) {
    const port = ctx.env.expression(parts.port, 'database port (database.url)', { secret: false })
    connection.port = typeof port === 'string' ? Number(port) : new Code(`Number(${port.code})`)
    if (typeof connection.port === 'number' && !Number.isInteger(connection.port))
      throw new UserError(`database.url has the port "${parts.port}", which is not a number`)
  }
  if (parts.user)
    connection.user = ctx.env.expression(decode(parts.user), 'database user (database.url)', { secret: false })
  if (parts.password)
    connection.password = ctx.env.secret(
      decode(parts.password),
      'DATABASE_PASSWORD',
      'database password (the password in database.url)',
    )
  if (parts.database)
    connection.database = ctx.env.expression(decode(parts.database), 'database name (database.url)', { secret: false })
  for (const [name, value] of parts.query) {
    if (client === 'pg' && name === 'sslmode') {
      if (value === 'require' || value === 'prefer' || value === 'allow') connection.ssl = { rejectUnauthorized: false }
      else if (value === 'verify-ca' || value === 'verify-full') connection.ssl = true
    } else if (client !== 'pg' && name === 'charset') {
      connection.charset = value
    } else {
      notes.push(
        `database.url option ${name}=${value} is not carried over; add it to connections.database.connection if the driver needs it`,
      )
    }
  }
  if (dialect === 'redshift' || dialect === 'cockroachdb')
    notes.push(`database.url is ${dialect}: circadian connects with the PostgreSQL driver`)
  const kind = client === 'pg' ? 'PostgreSQL' : client === 'mariadb' ? 'MariaDB' : 'MySQL'
  const label = `${kind} ${parts.host ?? 'localhost'}${parts.port ? `:${parts.port}` : ''}${parts.database ? `/${parts.database}` : ''}`
  return { entry: { client, connection }, label, notes }
}

function schemeOf(url: string): { dialect: string; rest: string } | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url.trim())
  if (!m) return null
  return { dialect: m[1].split('+')[0].toLowerCase(), rest: m[2] }
}

/**
 * A SQLAlchemy URL (`database.url`) as a circadian connection. The password never reaches the config:
 * a `${VAR}` becomes env('VAR'), a literal becomes a new variable the user sets.
 */
export function convertDatabaseUrl(url: string, ctx: UrlContext): ConvertedConnection {
  const variable = wholePlaceholder(url.trim())
  if (variable) {
    const value = process.env[variable]
    const scheme = value ? schemeOf(value) : null
    if (!scheme) {
      throw new UserError(
        `database.url is \${${variable}}: set ${variable} while importing (its scheme tells which database it is), or write the URL into alerts.yaml`,
      )
    }
    if (SQLITE.has(scheme.dialect))
      throw new UserError(
        `database.url is \${${variable}}, a SQLite URL: write the file path into alerts.yaml to import it`,
      )
    const client = POSTGRES.has(scheme.dialect)
      ? 'pg'
      : MYSQL.has(scheme.dialect)
        ? scheme.dialect === 'mariadb'
          ? 'mariadb'
          : 'mysql'
        : null
    if (!client) throw unsupported(scheme.dialect)
    ctx.env.use(variable, 'database URL (database.url)')
    return {
      entry: { client, connection: new Code(`env(${quote(variable)})`) },
      label: `${client === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB'} from $${variable}`,
      notes: [],
    }
  }
  const scheme = schemeOf(url)
  if (!scheme)
    throw new UserError(
      `database.url "${url.replace(/:[^:@/]*@/, ':***@')}" is not a SQLAlchemy URL (e.g. postgresql://user@host/db)`,
    )
  if (SQLITE.has(scheme.dialect)) return sqliteEntry(scheme.rest, ctx)
  if (POSTGRES.has(scheme.dialect)) return serverEntry('pg', scheme.dialect, scheme.rest, ctx)
  if (MYSQL.has(scheme.dialect))
    return serverEntry(scheme.dialect === 'mariadb' ? 'mariadb' : 'mysql', scheme.dialect, scheme.rest, ctx)
  throw unsupported(scheme.dialect)
}
