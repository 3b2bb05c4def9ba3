import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import knex from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { MYSQL_ADMIN_URL, PG_ADMIN_URL, type TestDatabase, createTestDatabase } from '../helpers/databases.js'

// CIRCADIAN_STATE_URL and a .env beside the config: what a container sets instead of editing its config.
const PASSWORD = 'st8-pw-4471-lkjhgfdsa'
const TOKEN = 'tok-from-dotenv-0123456789'

let box: Sandbox
let db: TestDatabase | undefined
beforeEach(() => {
  box = sandbox()
})
afterEach(async () => {
  await db?.drop()
  db = undefined
  box.cleanup()
})

const withPassword = (url: string, password: string) => {
  const u = new URL(url)
  u.password = password
  return u.toString()
}

async function runCount(url: string, client: 'pg' | 'mysql2', schema?: string): Promise<number> {
  const k = knex({ client, connection: url, pool: { min: 0, max: 1 } })
  try {
    const runs = schema ? k.withSchema(schema).table('runs') : k.table('runs')
    const [row] = await runs.count({ n: '*' })
    return Number(row.n)
  } finally {
    await k.destroy()
  }
}

const ECHO_JOB = tsConfig(`{
  serve: { token: env('CIRCADIAN_TOKEN') },
  jobs: { echo: { type: 'command', command: 'echo "state=$CIRCADIAN_STATE_URL token=$CIRCADIAN_TOKEN"' } },
}`)

describe('CIRCADIAN_STATE_URL and .env', () => {
  it('a .env beside the config points the state store at PostgreSQL; its URL and env() values stay secret', async () => {
    db = await createTestDatabase('pg')
    // The server trusts local connections, so the password is never checked: it only has to stay hidden.
    const url = withPassword(db.url, PASSWORD)
    box.write('conf/circadian.config.ts', ECHO_JOB)
    box.write(
      'conf/.env',
      `# deployment settings\nexport CIRCADIAN_STATE_URL="${url}"\nCIRCADIAN_TOKEN='${TOKEN}'  # read with env()\n`,
    )
    const run = await box.run(['run', 'echo', '--json', '--config', 'conf/circadian.config.ts'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(await runCount(db.url, 'pg')).toBe(1)
    expect(existsSync(path.join(box.dir, 'conf/.circadian/state.db'))).toBe(false)
    const history = await box.run(['history', '--json', '--config', 'conf/circadian.config.ts'])
    expect(history.code).toBe(0)
    const [recorded] = JSON.parse(history.stdout).runs
    expect(recorded.output.stdout).toMatch(/^state=\S+ token=\S+\n$/)
    for (const text of [run.stdout, history.stdout]) {
      expect(text).not.toContain(PASSWORD)
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(db.url.replace(/^postgres:\/\//, ''))
    }
  })

  it('the real environment wins over .env', async () => {
    const pg = (db = await createTestDatabase('pg'))
    box.write('circadian.config.ts', ECHO_JOB)
    box.write('.env', `CIRCADIAN_STATE_URL=${pg.url}\nCIRCADIAN_TOKEN=${TOKEN}\n`)
    const file = path.join(box.dir, 'elsewhere', 'state.db')
    const run = await box.run(['run', 'echo', '--json'], { env: { CIRCADIAN_STATE_URL: file } })
    expect(run.code).toBe(0)
    expect(existsSync(file)).toBe(true)
    expect(await runCount(pg.url, 'pg').catch(() => 0)).toBe(0)
  })

  it.each([
    ['a relative path (against the config directory)', 'data/state.db', 'conf/data/state.db'],
    ['a file: URL', 'file:data/f.db', 'conf/data/f.db'],
    ['sqlite:/// with an absolute path', 'sqlite://ABS/abs.db', 'abs.db'],
  ])('names a SQLite file as %s', async (_what, value, expected) => {
    box.write(
      'conf/circadian.config.ts',
      tsConfig(
        `{ state: { client: 'sqlite', filename: 'ignored.db', pool: { max: 1 } }, jobs: { ok: { type: 'command', command: 'true' } } }`,
      ),
    )
    const stateUrl = value.replace('ABS', box.dir)
    const run = await box.run(['run', 'ok', '--config', 'conf/circadian.config.ts'], {
      env: { CIRCADIAN_STATE_URL: stateUrl },
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(existsSync(path.join(box.dir, expected))).toBe(true)
    expect(existsSync(path.join(box.dir, 'conf/ignored.db'))).toBe(false)
  })

  it("keeps the config's PostgreSQL schema and pool", async () => {
    db = await createTestDatabase('pg')
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ state: { client: 'sqlite', schema: 'jobs_state', pool: { max: 2 } }, jobs: { ok: { type: 'command', command: 'true' } } }`,
      ),
    )
    // A SQLite state with `schema` is itself invalid; the URL makes it PostgreSQL, where schema belongs.
    const run = await box.run(['run', 'ok'], { env: { CIRCADIAN_STATE_URL: db.url } })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(await runCount(db.url, 'pg', 'jobs_state')).toBe(1)
  })

  it('takes mysql:// and mariadb:// URLs', async () => {
    db = await createTestDatabase('mysql')
    box.write('circadian.config.ts', tsConfig(`{ jobs: { ok: { type: 'command', command: 'true' } } }`))
    const mariadb = db.url.replace(/^mysql:/, 'mariadb:')
    for (const url of [db.url, mariadb]) {
      const run = await box.run(['run', 'ok'], { env: { CIRCADIAN_STATE_URL: url } })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
    }
    expect(await runCount(db.url, 'mysql2')).toBe(2)
    expect(MYSQL_ADMIN_URL).toMatch(/^mysql:/)
  })

  it("refuses a bad URL with exit 2, beside the config's other errors, without printing the value", async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { ok: { type: 'command', schedule: '0 25 * * *', command: 'true' } } }`),
    )
    const secretish = `redis://admin:${PASSWORD}@cache:6379/0`
    const bad = await box.run(['validate'], { env: { CIRCADIAN_STATE_URL: secretish } })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('CIRCADIAN_STATE_URL: has the unsupported scheme "redis"')
    expect(bad.stderr).toContain('jobs.ok.schedule')
    expect(bad.stderr).not.toContain(PASSWORD)
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    const noDb = await box.run(['validate'], {
      env: { CIRCADIAN_STATE_URL: withPassword(PG_ADMIN_URL, PASSWORD).replace(/\/postgres$/, '') },
    })
    expect(noDb.code).toBe(2)
    expect(noDb.stderr).toContain('CIRCADIAN_STATE_URL: names no database')
    expect(noDb.stderr).not.toContain(PASSWORD)
    box.write(
      'circadian.config.ts',
      tsConfig(`{ state: { client: 'pg', connection: 'postgres://x@h/d', schema: 's' }, jobs: {} }`),
    )
    const schema = await box.run(['validate'], { env: { CIRCADIAN_STATE_URL: 'state.db' } })
    expect(schema.code).toBe(2)
    expect(schema.stderr).toContain(
      'CIRCADIAN_STATE_URL: names a database other than PostgreSQL, but the config sets state.schema',
    )
  })

  it('refuses a .env line it cannot read with exit 2, naming the file and line but not the value', async () => {
    box.write('circadian.config.ts', ECHO_JOB)
    const envFile = box.write('.env', `CIRCADIAN_TOKEN=${TOKEN}\n\nthis is not a setting ${PASSWORD}\n`)
    const bad = await box.run(['validate'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe(`${envFile}:3: expected KEY=value (a line without "=")`)
    writeFileSync(envFile, `CIRCADIAN_TOKEN="${PASSWORD}\n`)
    const unclosed = await box.run(['validate'])
    expect(unclosed.code).toBe(2)
    expect(unclosed.stderr).toContain(`${envFile}:1: CIRCADIAN_TOKEN has no closing double quote`)
    expect(unclosed.stderr).not.toContain(PASSWORD)
  })

  it('an env() variable missing from both the environment and .env is still named', async () => {
    box.write('circadian.config.ts', ECHO_JOB)
    box.write('.env', 'OTHER=1\n')
    const bad = await box.run(['validate'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('serve.token: environment variable CIRCADIAN_TOKEN is not set')
  })
})
