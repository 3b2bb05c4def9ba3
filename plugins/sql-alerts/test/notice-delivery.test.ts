import knex, { type Knex } from 'knex'
import Database from 'better-sqlite3'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'
import { type HttpCapture, startHttpCapture } from '../../../test/helpers/servers.js'

const CONFIG = tsConfig(`{
  timezone: 'UTC',
  connections: { local: { client: 'sqlite', filename: 'data.db' } },
  notifiers: { hook: { type: 'webhook', url: env('HOOK_URL') } },
  jobs: {
    revenue: { type: 'sql-alert', connection: 'local', query: "select case when x > 3 then 'ALERT' else 'OK' end as status, x as actual_value, 3 as threshold from metrics", notify: ['hook'] },
    broken: { type: 'sql-alert', connection: 'local', query: 'select status from missing_table', notify: ['hook'] },
  },
}`)

describe('sql-alert notices go through the outbox: state advances only on delivery', () => {
  let box: Sandbox
  let data: Knex
  let hook: HttpCapture
  let env: NodeJS.ProcessEnv
  const json = async (...args: string[]) => {
    const r = await box.run([...args, '--json'], { env })
    return { code: r.code, body: JSON.parse(r.stdout) }
  }
  const notices = () => {
    const d = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
    try {
      return d.prepare('select job, event, status from notices order by id').all()
    } finally {
      d.close()
    }
  }

  beforeAll(async () => {
    box = sandbox()
    hook = await startHttpCapture()
    env = { HOOK_URL: `${hook.url}/alerts` }
    box.write('circadian.config.ts', CONFIG)
    data = knex({ client: 'better-sqlite3', connection: { filename: `${box.dir}/data.db` }, useNullAsDefault: true })
    await data.schema.createTable('metrics', (t) => t.integer('x'))
    await data('metrics').insert({ x: 5 })
  })
  afterAll(async () => {
    await data?.destroy()
    await hook?.close()
    box?.cleanup()
  })

  it('--no-notify queues nothing and claims nothing was sent', async () => {
    const run = await json('run', 'broken', '--no-notify')
    expect(run.body.runs[0].data).toMatchObject({ notice: null, queued: [], noticeIds: [] })
    expect((await json('alerts', 'status', 'broken')).body.alerts[0]).toMatchObject({
      state: 'ERROR',
      lastNotified: null,
      notice: null,
    })
    expect(notices()).toEqual([])
  })

  it('a firing notice the receiver refuses is "firing, notice pending", is not queued twice, and counts once delivered', async () => {
    hook.respondWith(500)
    const run = await json('run', 'revenue')
    expect(run.code).toBe(1)
    expect(run.body.runs[0]).toMatchObject({
      summary: '5 vs threshold 3 — firing notice queued',
      data: { notice: 'firing', queued: ['hook'] },
    })
    expect(hook.requests.length).toBeGreaterThanOrEqual(1)
    const status = (await json('alerts', 'status', 'revenue')).body.alerts[0]
    expect(status).toMatchObject({ state: 'ALERT', lastNotified: null, notice: { kind: 'firing', state: 'pending' } })
    const table = await box.run(['alerts', 'status', 'revenue'], { env })
    expect(table.stdout).toContain('ALERT (firing, notice pending)')

    await json('run', 'revenue', '--no-notify')
    expect(notices()).toEqual([{ job: 'revenue', event: 'notice', status: 'failed' }])

    hook.respondWith(200)
    expect((await json('notices', 'retry', '--all')).body).toEqual({ requeued: 1 })
    await json('run', 'revenue')
    expect(notices()).toEqual([{ job: 'revenue', event: 'notice', status: 'sent' }])
    const delivered = hook.requests.filter((r) => r.headers['idempotency-key'])
    expect(new Set(delivered.map((r) => r.headers['idempotency-key'])).size).toBe(1)
    expect((await json('alerts', 'status', 'revenue')).body.alerts[0]).toMatchObject({
      notice: { kind: 'firing', state: 'sent' },
    })
    // The next evaluation settles it: the firing notice is recorded as delivered, and is not sent again.
    await json('run', 'revenue')
    expect((await json('alerts', 'status', 'revenue')).body.alerts[0]).toMatchObject({
      lastNotified: { kind: 'firing', to: ['hook'] },
      notice: null,
    })
    expect(notices()).toHaveLength(1)
  }, 120_000)
})
