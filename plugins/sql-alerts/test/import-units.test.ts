import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { toSource, templateLiteral } from '../src/import/code.js'
import { convertDatabaseUrl } from '../src/import/database-url.js'
import { EnvRegistry } from '../src/import/env-refs.js'
import { convertSchedule, jobNames } from '../src/import/job-names.js'

function convert(url: string, dirs: { yamlDir?: string; outDir?: string; cwd?: string } = {}) {
  const env = new EnvRegistry()
  const base = dirs.cwd ?? '/project'
  const result = convertDatabaseUrl(url, { yamlDir: dirs.yamlDir ?? base, outDir: dirs.outDir ?? base, cwd: base, env })
  // The source on one line, however toSource wrapped it.
  const source = toSource(result.entry).replace(/\n\s*/g, ' ').replace(/, }/g, ' }')
  return { ...result, source, env: env.variables }
}

describe('SQLAlchemy URLs as circadian connections', () => {
  it('reads sqlite:///relative as relative to the YAML file, written relative to the new config', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sa-url-'))
    mkdirSync(path.join(root, 'sentinel', 'data'), { recursive: true })
    writeFileSync(path.join(root, 'sentinel', 'data', 'app.db'), '')
    const c = convert('sqlite:///data/app.db', { yamlDir: path.join(root, 'sentinel'), outDir: root, cwd: root })
    expect(c.entry).toEqual({ client: 'sqlite', filename: 'sentinel/data/app.db' })
    expect(c.notes).toEqual([])
  })

  it("falls back to the current directory when that is where the file is (SQLAlchemy's own reading)", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sa-url-'))
    mkdirSync(path.join(root, 'examples'))
    writeFileSync(path.join(root, 'examples', 'sample.db'), '')
    const c = convert('sqlite:///examples/sample.db', { yamlDir: path.join(root, 'examples'), outDir: root, cwd: root })
    expect(c.entry).toEqual({ client: 'sqlite', filename: 'examples/sample.db' })
    expect(c.notes[0]).toMatch(/not next to the YAML file/)
  })

  it('reads sqlite:////absolute as an absolute path, and sqlite:// as memory', () => {
    expect(convert('sqlite:////var/data/app.db', { outDir: '/var/data' }).entry).toEqual({
      client: 'sqlite',
      filename: 'app.db',
    })
    expect(convert('sqlite:////var/data/app.db', { outDir: '/home/me/project/deep/er' }).entry).toEqual({
      client: 'sqlite',
      filename: '/var/data/app.db',
    })
    expect(convert('sqlite://').entry).toEqual({ client: 'sqlite', filename: ':memory:' })
  })

  it('turns a literal password into an env() reference and never writes it', () => {
    const c = convert('postgresql+psycopg2://report:zq%40x%2Fsecretish@db.internal:6543/analytics?sslmode=require')
    expect(c.source).toBe(
      "{ client: 'pg', connection: { host: 'db.internal', port: 6543, user: 'report', password: env('DATABASE_PASSWORD'), database: 'analytics', ssl: { rejectUnauthorized: false } } }",
    )
    expect(c.source).not.toMatch(/zq|secretish/)
    expect(c.env).toEqual([
      {
        name: 'DATABASE_PASSWORD',
        purpose: 'database password (the password in database.url)',
        fromLiteral: true,
        optional: false,
      },
    ])
    expect(c.label).toBe('PostgreSQL db.internal:6543/analytics')
  })

  it('keeps ${VAR} placeholders as env() references', () => {
    const c = convert('mysql+pymysql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:3306/sales?charset=utf8mb4')
    expect(c.source).toBe(
      "{ client: 'mysql', connection: { host: env('DB_HOST', { secret: false }), port: 3306, user: env('DB_USER', { secret: false }), password: env('DB_PASSWORD'), database: 'sales', charset: 'utf8mb4' } }",
    )
    expect(c.env.map((v) => v.name)).toEqual(['DB_HOST', 'DB_USER', 'DB_PASSWORD'])
  })

  it('reads mariadb:// and postgres:// too', () => {
    expect(convert('mariadb+mariadbconnector://root@127.0.0.1/shop').entry).toEqual({
      client: 'mariadb',
      connection: { host: '127.0.0.1', user: 'root', database: 'shop' },
    })
    expect(convert('postgres://u@h/d').entry).toEqual({
      client: 'pg',
      connection: { host: 'h', user: 'u', database: 'd' },
    })
  })

  it('reads a URL that is wholly an environment variable through that variable', () => {
    process.env.SENTINEL_TEST_DB_URL = 'postgresql+psycopg2://u:p@h/d'
    try {
      expect(convert('${SENTINEL_TEST_DB_URL}').source).toBe(
        "{ client: 'pg', connection: env('SENTINEL_TEST_DB_URL') }",
      )
    } finally {
      delete process.env.SENTINEL_TEST_DB_URL
    }
    expect(() => convert('${SENTINEL_UNSET_URL}')).toThrow(/set SENTINEL_UNSET_URL while importing/)
  })

  it('refuses databases circadian does not connect to, naming them', () => {
    expect(() => convert('bigquery://project/dataset')).toThrow(/database\.url uses "bigquery"/)
    expect(() => convert('snowflake://u:p@acct/db')).toThrow(/"snowflake"/)
    expect(() => convert('not a url')).toThrow(/not a SQLAlchemy URL/)
  })
})

describe('generated config text', () => {
  it('keeps a query exact inside a template literal', () => {
    const query = "select `a`, '${x}' as s, '\\n' as nl"
    expect(new Function(`return ${templateLiteral(query).code}`)()).toBe(query)
  })

  it('quotes strings so they read back as written', () => {
    for (const text of ["it's", 'say "hi"', `both ' and "`, 'back\\slash', 'line\nbreak']) {
      expect(new Function(`return ${toSource(text)}`)()).toBe(text)
    }
  })

  it('names jobs after alerts: valid names kept, others snake_cased, all unique', () => {
    expect(jobNames(['daily_revenue_check', 'Stale Pipeline!', 'stale_pipeline', '42 checks', '***'])).toEqual([
      'daily_revenue_check',
      'stale_pipeline',
      'stale_pipeline_2',
      '42_checks',
      'alert',
    ])
  })

  it("moves croniter's trailing seconds field to the front", () => {
    expect(convertSchedule('30 2 * * * 15')).toBe('15 30 2 * * *')
    expect(convertSchedule('0 9 * * 1-5')).toBe('0 9 * * 1-5')
    expect(convertSchedule('@daily')).toBe('@daily')
  })
})
