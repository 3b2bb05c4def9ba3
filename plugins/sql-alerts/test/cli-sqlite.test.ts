import { readFileSync } from 'node:fs'
import path from 'node:path'
import knex, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'
import { type ReceivedNotice, httpReceiver } from './http-receiver.js'

const TOKEN = 's3cr3t-hook-token-7f2a'

const CONFIG = tsConfig(`{
  timezone: 'UTC',
  connections: { local: { client: 'sqlite', filename: 'data.db' } },
  notifiers: { hook: { type: 'webhook', url: env('HOOK_URL') } },
  jobs: {
    revenue: {
      type: 'sql-alert',
      description: 'x must stay at 3 or below',
      connection: 'local',
      query: "select case when x > 3 then 'ALERT' else 'OK' end as status, x as actual_value, 3 as threshold, label from metrics",
      notify: ['hook'],
      every: '5m',
    },
    steady: { type: 'sql-alert', connection: 'local', query: "select 'ok' as status, count(*) as actual_value from metrics" },
    broken: { type: 'sql-alert', connection: 'local', query: 'select status from missing_table', notify: ['hook'] },
    hello: { type: 'command', command: 'true' },
  },
}`)

describe('circadian with sql-alert jobs on SQLite, end to end', () => {
  let box: Sandbox
  let data: Knex
  let hook: Awaited<ReturnType<typeof httpReceiver>>
  let env: NodeJS.ProcessEnv
  const cli = (...args: string[]) => box.run(args, { env })
  const json = async (...args: string[]) => {
    const r = await cli(...args, '--json')
    return { code: r.code, body: JSON.parse(r.stdout), stderr: r.stderr, stdout: r.stdout }
  }
  const titles = () => hook.received.map((n: ReceivedNotice) => n.body.title)
  const setX = (x: number) => data('metrics').update({ x })

  beforeAll(async () => {
    box = sandbox()
    hook = await httpReceiver()
    env = { HOOK_URL: `${hook.url}/hooks/${TOKEN}`, USER: 'ana' }
    box.write('circadian.config.ts', CONFIG)
    data = knex({ client: 'better-sqlite3', connection: { filename: `${box.dir}/data.db` }, useNullAsDefault: true })
    await data.schema.createTable('metrics', (t) => {
      t.integer('x')
      t.string('label')
    })
    await data('metrics').insert({ x: 5, label: 'five' })
  })
  afterAll(async () => {
    await data?.destroy()
    await hook?.close()
    box?.cleanup()
  })

  it('validates the config', async () => {
    const r = await cli('validate')
    expect(r.stdout).toMatch(/is valid: 4 jobs \(command, sql-alert ×3\)|is valid: 4 jobs/)
    expect(r.code).toBe(0)
  })

  it('reports a notifier whose env() variable is unset as a validation error (exit 2)', async () => {
    const r = await box.run(['validate'], { env: { USER: 'ana' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/notifiers\.hook\.url: environment variable HOOK_URL is not set/)
  })

  it('silences before the first run: ALERT is recorded (exit 1) but no notice goes out', async () => {
    const silenced = await json('alerts', 'silence', 'revenue', '--for', '2h', '--reason', 'backfill running')
    expect(silenced.code).toBe(0)
    expect(silenced.body.silence).toMatchObject({ by: 'ana', reason: 'backfill running', untilResolved: false })
    const run = await json('run', 'revenue')
    expect(run.code).toBe(1)
    expect(run.body.runs[0]).toMatchObject({
      job: 'revenue',
      status: 'alert',
      trigger: 'manual',
      data: {
        status: 'ALERT',
        actual_value: 5,
        threshold: 3,
        context: { label: 'five' },
        state: 'ALERT',
        notice: null,
      },
    })
    expect(hook.received).toHaveLength(0)
    const status = await json('alerts', 'status')
    expect(status.body.alerts.find((a: { job: string }) => a.job === 'revenue')).toMatchObject({
      state: 'ALERT',
      actual_value: 5,
      threshold: 3,
      silenced: { by: 'ana', reason: 'backfill running', untilResolved: false },
    })
    const text = await cli('alerts', 'status')
    expect(text.stdout).toMatch(/revenue\s+ALERT\s+.*5 vs threshold 3.*until .* by ana: backfill running/)
    // Times as every core command writes them: the job's zone (here UTC) with its offset, not a bare `Z`.
    expect(text.stdout).toMatch(/revenue\s+ALERT\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00 \(\d+s\)/)
    expect(text.stdout).not.toMatch(/\d\d:\d\d:\d\dZ/)
    expect((await cli('alerts', 'status', '--utc')).stdout).toMatch(
      /until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00 by ana/,
    )
  })

  it('sends the held-back firing notice once unsilenced, then nothing more while it stays ALERT', async () => {
    expect((await cli('alerts', 'unsilence', 'revenue')).stdout).toMatch(/Unsilenced revenue/)
    expect((await cli('run', 'revenue')).code).toBe(1)
    expect((await cli('run', 'revenue')).code).toBe(1)
    expect(titles()).toEqual(['ALERT: revenue'])
    const notice = hook.received[0]
    expect(notice.path).toBe(`/hooks/${TOKEN}`)
    expect(notice.body).toMatchObject({
      severity: 'critical',
      text: 'x must stay at 3 or below\nThe query returned ALERT (5 vs threshold 3).',
      fields: {
        alert: 'revenue',
        notice: 'firing',
        state: 'ALERT',
        status: 'ALERT',
        actual_value: 5,
        threshold: 3,
        label: 'five',
      },
    })
  })

  it('tests a query without changing state or sending a notice', async () => {
    await setX(1)
    const before = (await json('alerts', 'status', 'revenue')).body.alerts[0]
    const test = await cli('alerts', 'test', 'revenue')
    expect(test.code).toBe(0)
    expect(test.stdout).toMatch(/^revenue: OK — 1 vs threshold 3/)
    expect(test.stdout).toMatch(/no state was changed and no notice was sent/)
    const after = (await json('alerts', 'status', 'revenue')).body.alerts[0]
    expect(after).toEqual(before)
    expect(titles()).toEqual(['ALERT: revenue'])
    const tested = await json('alerts', 'test', 'broken')
    expect(tested.code).toBe(3)
    expect(tested.body).toMatchObject({ job: 'broken', status: 'ERROR', error: { kind: 'sql-error' } })
  })

  it('sends a resolved notice when the alert comes back to OK (exit 0)', async () => {
    const run = await json('run', 'revenue')
    expect(run.code).toBe(0)
    expect(run.body.runs[0]).toMatchObject({
      status: 'succeeded',
      summary: '1 vs threshold 3 — resolved notice queued',
    })
    expect(titles()).toEqual(['ALERT: revenue', 'RESOLVED: revenue'])
  })

  it('fails a broken query (exit 3) with one error notice per streak', async () => {
    const first = await json('run', 'broken')
    expect(first.code).toBe(3)
    expect(first.body.runs[0]).toMatchObject({
      status: 'failed',
      reason: 'sql-error',
      error: expect.stringMatching(/^query failed: no such table: missing_table/),
    })
    expect((await cli('run', 'broken')).code).toBe(3)
    expect(titles()).toEqual(['ALERT: revenue', 'RESOLVED: revenue', 'ERROR: broken'])
  })

  it('exits 0 when every alert is OK, 1 when one alerts, 3 when one errs', async () => {
    expect((await cli('run', 'revenue', 'steady')).code).toBe(0)
    await setX(9)
    expect((await cli('run', 'revenue', 'steady')).code).toBe(1)
    const all = await json('run', '--all')
    expect(all.code).toBe(3)
    expect(Object.fromEntries(all.body.runs.map((r: { job: string; status: string }) => [r.job, r.status]))).toEqual({
      revenue: 'alert',
      steady: 'succeeded',
      broken: 'failed',
      hello: 'succeeded',
    })
  })

  it('--junit writes one test case per alert: ALERT a failure, ERROR an error, OK a pass', async () => {
    const r = await cli('run', 'revenue', 'steady', 'broken', '--junit', 'reports/alerts.xml')
    expect(r.code).toBe(3)
    const xml = readFileSync(path.join(box.dir, 'reports', 'alerts.xml'), 'utf8')
    expect(xml).toMatch(/<testsuites name="circadian" tests="3" failures="1" errors="1" skipped="0"/)
    const cases = new Map(
      [...xml.matchAll(/<testcase name="([^"]+)" classname="([^"]+)"[^>]*>([\s\S]*?)<\/testcase>/g)].map(
        ([, name, type, body]) => [name, { type, body }],
      ),
    )
    expect([...cases.keys()].sort()).toEqual(['broken', 'revenue', 'steady'])
    expect([...cases.values()].map((c) => c.type)).toEqual(['sql-alert', 'sql-alert', 'sql-alert'])
    expect(cases.get('revenue')!.body).toContain('<failure type="alert" message="9 vs threshold 3')
    expect(cases.get('steady')!.body).not.toMatch(/<failure|<error/)
    expect(cases.get('broken')!.body).toMatch(
      /<error type="failed" message="query failed: no such table: missing_table/,
    )
    expect(xml).not.toContain(TOKEN)
  })

  it('keeps every evaluation in history with its values', async () => {
    const history = await json('history', 'revenue')
    expect(history.body.runs.length).toBeGreaterThanOrEqual(5)
    expect(history.body.runs[0]).toMatchObject({
      status: 'alert',
      data: { actual_value: 9, threshold: 3, context: { label: 'five' } },
    })
    const table = await cli('history', 'revenue')
    expect(table.stdout).toMatch(/revenue\s+alert\s+manual/)
  })

  it('silences until resolved; the silence ends when the alert is back to OK', async () => {
    expect((await cli('alerts', 'silence', 'revenue', '--until-resolved', '--reason', 'fix deploying')).stdout).toMatch(
      /Silenced revenue until it resolves by ana: fix deploying/,
    )
    await setX(1)
    expect((await cli('run', 'revenue')).code).toBe(0)
    const status = (await json('alerts', 'status', 'revenue')).body.alerts[0]
    expect(status).toMatchObject({ state: 'OK', silenced: null })
  })

  it('refuses unknown jobs and jobs of another type with exit 2', async () => {
    const unknown = await cli('alerts', 'silence', 'revenu', '--for', '1h')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown job "revenu" .*sql-alert jobs: revenue, steady, broken/)
    const other = await cli('alerts', 'test', 'hello')
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/job "hello" is a command job, not a sql-alert/)
    const bad = await cli('alerts', 'silence', 'revenue', '--for', 'soon')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--for "soon" is not a duration/)
    const none = await cli('alerts', 'silence', 'revenue')
    expect(none.code).toBe(2)
    expect((await json('alerts', 'status', 'nope')).body.error).toMatchObject({ exitCode: 2 })
    for (const r of [unknown, other, bad, none]) expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('never shows the webhook URL (a secret) in output, history or notices', async () => {
    const outputs = [
      await cli('run', '--all', '--json'),
      await cli('history', '--json'),
      await cli('alerts', 'status', '--json'),
    ]
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(TOKEN)
    expect(JSON.stringify(hook.received.map((n) => n.body))).not.toContain(TOKEN)
  })
})

describe('sql-alert options are validated with the rest of the config', () => {
  it('reports every bad option at once with its path (exit 2)', async () => {
    const box = sandbox()
    try {
      box.write(
        'circadian.config.ts',
        tsConfig(`{
          connections: { local: { client: 'sqlite', filename: 'data.db' } },
          jobs: {
            a: { type: 'sql-alert', connection: 'locl', query: '  ', for: 0, queryTimeout: 30, repeatInterval: '1ms', maxrows: 3, readOnly: 'no', notify: ['ops'] },
            b: { type: 'sql-alert', query: "select 'OK' as status" },
          },
        }`),
      )
      const r = await box.run(['validate'])
      expect(r.code).toBe(2)
      for (const line of [
        'jobs.a.query: must be a SQL query (it is empty)',
        'jobs.a.for: must be at least 1',
        'jobs.a.queryTimeout: must be a duration string like "30s", "5m" or "4h"',
        'jobs.a.repeatInterval: must be a duration of at least 1s',
        'jobs.a.maxrows: unknown key "maxrows" (did you mean "maxRows"?)',
        'jobs.a.readOnly: must be true or false',
        'jobs.a.notify[0]: unknown notifier "ops"',
        'jobs.a.connection: unknown connection "locl" (did you mean "local"?)',
        'jobs.b.connection: is required',
      ]) {
        expect(r.stderr).toContain(line)
      }
    } finally {
      box.cleanup()
    }
  })
})
