import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '../../src/config/errors.js'
import { validateConfig } from '../../src/config/validate.js'
import { commandJobType } from '../../src/job-types/command/definition.js'
import { defineJobType } from '../../src/run/job-type.js'
import { buildJobTypeRegistry } from '../../src/run/job-type-registry.js'

const sqlAlert = defineJobType({
  type: 'sql-alert',
  options: z.object({
    connection: z.string(),
    query: z.string().min(1),
    maxRows: z.number().int().positive().default(1000),
  }),
  connections: (o) => [o.connection],
  run: async () => ({ status: 'ok' }),
})
const registry = buildJobTypeRegistry([
  { plugin: 'circadian', result: [commandJobType] },
  { plugin: '@circadian/plugin-sql-alerts', result: [sqlAlert] },
])

function issues(raw: unknown): Array<{ path: string; message: string }> {
  try {
    validateConfig(raw, { file: '/tmp/x/circadian.config.ts', registry })
  } catch (err) {
    if (err instanceof ConfigError) return err.issues
    throw err
  }
  return []
}

describe('validateConfig', () => {
  it('fills defaults and resolves the SQLite state file next to the config', () => {
    const c = validateConfig(
      { jobs: { a: { type: 'command', command: 'x', schedule: '0 9 * * *' } } },
      { file: '/tmp/x/circadian.config.ts', registry },
    )
    expect(c.state).toMatchObject({ client: 'better-sqlite3', filename: '/tmp/x/.circadian/state.db' })
    expect(c.maxConcurrent).toBe(5)
    const job = c.jobs.get('a')!
    expect(job.core).toMatchObject({ enabled: true, overlap: 'skip', catchUp: 'latest', priority: 5 })
    expect(job.options).toMatchObject({ command: 'x', killGrace: 10_000 })
    expect(job.trigger?.kind).toBe('cron')
  })

  it('checks the connections a job type declares, with the configured names', () => {
    expect(
      issues({
        connections: { warehouse: { client: 'pg', connection: 'postgres://localhost/wh' } },
        jobs: { r: { type: 'sql-alert', connection: 'warehose', query: 'select 1' } },
      }),
    ).toEqual([
      {
        path: 'jobs.r.connection',
        message: 'unknown connection "warehose" (did you mean "warehouse"?); connections: warehouse',
      },
    ])
  })

  it("validates a plugin's options with full paths, defaults and types", () => {
    expect(issues({ jobs: { r: { type: 'sql-alert', connection: 1, query: '', maxRows: -1 } } })).toEqual([
      { path: 'jobs.r.connection', message: 'must be a string (got a number)' },
      { path: 'jobs.r.query', message: 'must not be empty' },
      { path: 'jobs.r.maxRows', message: 'must be greater than 0' },
    ])
  })

  it('checks databases: a server needs a connection; unknown clients are named', () => {
    expect(issues({ state: { client: 'postgres' } })).toEqual([
      { path: 'state.connection', message: expect.stringContaining('postgres needs a `connection`') },
    ])
    expect(issues({ state: { client: 'oracle', connection: 'x' } })[0]).toMatchObject({
      path: 'state.client',
      message: expect.stringContaining('"oracle" is not one of'),
    })
    expect(issues({ state: { client: 'pg', connection: 'postgres://h/db', schema: 'circadian' } })).toEqual([])
  })

  it("checks a job's resources against the configured ones", () => {
    const resources = { 'db:warehouse': { breaker: { failures: 3, halfOpenAfter: '1m' } } }
    expect(issues({ resources, jobs: { a: { type: 'command', command: 'x', resources: ['db:warehose'] } } })).toEqual([
      {
        path: 'jobs.a.resources[0]',
        message: 'unknown resource "db:warehose" (did you mean "db:warehouse"?); resources: db:warehouse',
      },
    ])
    expect(issues({ jobs: { a: { type: 'command', command: 'x', resources: ['api'] } } })[0]).toMatchObject({
      path: 'jobs.a.resources[0]',
      message: expect.stringContaining('add it under the top-level resources'),
    })
    expect(issues({ resources, jobs: { a: { type: 'command', command: 'x', resources: ['db:warehouse'] } } })).toEqual(
      [],
    )
  })

  it('checks notifiers by type and the names jobs use', () => {
    const found = issues({
      notifiers: {
        ops: { type: 'slack', webhookUrl: 'not a url' },
        mail: { type: 'email', host: 'smtp', from: 'a@b.c' },
        pager: { type: 'sms' },
      },
      jobs: { a: { type: 'command', command: 'x', notify: ['ops', 'opz'] } },
    })
    expect(found).toContainEqual({ path: 'notifiers.ops.webhookUrl', message: 'must be an http(s) URL' })
    expect(found).toContainEqual({ path: 'notifiers.mail.to', message: 'is required' })
    expect(issues({ jobs: { a: { type: 'command', command: 7 } } })).toEqual([
      { path: 'jobs.a.command', message: 'must be a string or a list (got a number)' },
    ])
    expect(found).toContainEqual({
      path: 'notifiers.pager.type',
      message: 'notifier `type` must be one of webhook, slack, email',
    })
    expect(found).toContainEqual({
      path: 'jobs.a.notify[1]',
      message: 'unknown notifier "opz" (did you mean "ops"?); notifiers: ops, mail, pager',
    })
  })

  it('reads `at` without an offset as wall time in the job zone', () => {
    const c = validateConfig(
      { jobs: { once: { type: 'command', command: 'x', timezone: 'Europe/Berlin', at: '2026-07-01T09:00' } } },
      { file: '/tmp/c.ts', registry },
    )
    expect(new Date(c.jobs.get('once')!.trigger!.next(0)!).toISOString()).toBe('2026-07-01T07:00:00.000Z')
  })

  it('rejects job names that cannot be used on a command line, and jobs that are not objects', () => {
    expect(issues({ jobs: { 'bad name!': { type: 'command', command: 'x' }, list: ['x'] } })).toEqual([
      { path: 'jobs["bad name!"]', message: expect.stringContaining('invalid job name') },
      { path: 'jobs.list', message: 'a job must be an object with at least a `type`' },
    ])
  })

  it('reports a missing type with the installed types', () => {
    expect(issues({ jobs: { a: { command: 'x' } } })).toEqual([
      { path: 'jobs.a.type', message: 'is required (installed types: command, sql-alert)' },
    ])
  })

  it('a config that is not an object says what to export', () => {
    expect(issues(42)).toEqual([{ path: '', message: expect.stringContaining('must export an object') }])
  })

  it('still checks references of a job that has other errors', () => {
    const found = issues({
      jobs: { a: { type: 'command', command: 'x', schedule: '0 99 * * *', after: ['nope'], notify: ['ops'] } },
    })
    expect(found.map((i) => i.path)).toEqual(['jobs.a.schedule', 'jobs.a.after[0]', 'jobs.a.notify[0]'])
  })

  it('an unset env() variable is reported once, not again as a bad value', async () => {
    const { env, resetMissingEnv } = await import('../../src/config/env.js')
    resetMissingEnv()
    const found = issues({ notifiers: { ops: { type: 'slack', webhookUrl: env('CIRCADIAN_TEST_UNSET_HOOK') } } })
    expect(found).toEqual([
      { path: 'notifiers.ops.webhookUrl', message: 'environment variable CIRCADIAN_TEST_UNSET_HOOK is not set' },
    ])
    resetMissingEnv()
  })

  it('SQLite: `connection` as a path means `filename`; a connection needs one; `schema` is PostgreSQL only', () => {
    const c = validateConfig(
      {
        state: { client: 'sqlite', connection: 'data/state.db' },
        connections: { local: { client: 'sqlite', connection: 'wh.db' } },
      },
      { file: '/tmp/x/c.ts', registry },
    )
    expect(c.state).toMatchObject({ filename: '/tmp/x/data/state.db' })
    expect(c.connections.local).toMatchObject({ client: 'better-sqlite3', filename: 'wh.db' })
    expect(issues({ connections: { local: { client: 'sqlite' } } })).toEqual([
      { path: 'connections.local.filename', message: expect.stringContaining('needs `filename`') },
    ])
    expect(issues({ state: { client: 'mysql', connection: 'mysql://h/db', schema: 's' } })).toEqual([
      { path: 'state.schema', message: expect.stringContaining('PostgreSQL setting') },
    ])
  })

  it('a cron expression that can never fire is an error', () => {
    expect(issues({ jobs: { a: { type: 'command', command: 'x', schedule: '0 0 31 2 *' } } })).toEqual([
      { path: 'jobs.a.schedule', message: '"0 0 31 2 *" never fires (no date matches it, e.g. 31 February)' },
    ])
  })

  it('webhook and Slack URLs, HMAC secrets and database passwords written as literals become secrets', async () => {
    const { redact } = await import('../../src/reliability/redact.js')
    validateConfig(
      {
        connections: { wh: { client: 'pg', connection: { host: 'h', password: 'literal-db-pass' } } },
        notifiers: { hook: { type: 'webhook', url: 'https://ops.example.com/hook/abc123', secret: 'hmac-key-xyz' } },
      },
      { file: '/tmp/x/c.ts', registry },
    )
    expect(redact('posted to https://ops.example.com/hook/abc123 signed with hmac-key-xyz as literal-db-pass')).toBe(
      'posted to [redacted] signed with [redacted] as [redacted]',
    )
  })

  it('days: cron weekday syntax (0 and 7 are Sunday, 0-7 is every day), names and wrapping ranges; nonsense is an error', () => {
    const days = (d: string) =>
      validateConfig(
        { jobs: { a: { type: 'command', command: 'x', every: '1h', days: d } } },
        { file: '/tmp/c.ts', registry },
      ).jobs.get('a')!.core.days!.days
    expect(days('0-7')).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(days('MON-FRI')).toEqual([1, 2, 3, 4, 5])
    expect(days('FRI-MON')).toEqual([0, 1, 5, 6])
    expect(days('saturday,7')).toEqual([0, 6])
    expect(issues({ jobs: { a: { type: 'command', command: 'x', every: '1h', days: 'MONKEY' } } })).toEqual([
      { path: 'jobs.a.days', message: '"MONKEY" is not a weekday or a range of them (e.g. MON-FRI, SAT,SUN, 1-5)' },
    ])
  })

  it('calendar.holidays: a country, a state or a region that exists; an unknown state is an error, not the country', () => {
    expect(
      issues({ jobs: { a: { type: 'command', command: 'x', every: '1h', calendar: { holidays: 'DE-BY' } } } }),
    ).toEqual([])
    expect(
      issues({ jobs: { a: { type: 'command', command: 'x', every: '1h', calendar: { holidays: 'US-CA-LA' } } } }),
    ).toEqual([])
    expect(
      issues({ jobs: { a: { type: 'command', command: 'x', every: '1h', calendar: { holidays: 'DE-XX' } } } }),
    ).toEqual([
      { path: 'jobs.a.calendar.holidays', message: expect.stringContaining('"DE-XX" is not a known holiday calendar') },
    ])
    expect(
      issues({ jobs: { a: { type: 'command', command: 'x', every: '1h', calendar: { holidays: 'ZZ' } } } }),
    ).toHaveLength(1)
  })

  it('serve.http on a non-loopback address needs a token', () => {
    expect(issues({ serve: { http: { port: 8080, host: '0.0.0.0' } } })).toEqual([
      {
        path: 'serve.token',
        message: expect.stringContaining('is required when serve.http.host (0.0.0.0) is not a loopback address'),
      },
    ])
    expect(issues({ serve: { http: { port: 8080 } } })).toEqual([])
    expect(issues({ serve: { http: { port: 8080, host: '0.0.0.0' }, token: 'a-long-enough-token-1234' } })).toEqual([])
  })
})
