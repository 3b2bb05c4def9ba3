import knex, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'
import { type DatabaseKind, type TestDatabase, createTestDatabase } from '../../../test/helpers/databases.js'
import { httpReceiver } from './http-receiver.js'

const PASSWORD = 'hunter2-db-secret'

/** PostgreSQL trusts local connections, so a password in the URL is accepted and must still never show. */
function urlWithSecret(db: TestDatabase): string {
  if (db.kind !== 'pg') return db.url
  const url = new URL(db.url)
  url.password = PASSWORD
  return url.toString()
}

describe.each(['pg', 'mysql'] as DatabaseKind[])(
  'sql-alert jobs on %s through the CLI (state store on the same server)',
  (kind) => {
    let box: Sandbox
    let database: TestDatabase
    let data: Knex
    let hook: Awaited<ReturnType<typeof httpReceiver>>
    let env: NodeJS.ProcessEnv
    const client = kind === 'pg' ? 'postgresql' : 'mariadb'
    const run = async (...args: string[]) => {
      const r = await box.run([...args, '--json'], { env })
      return { code: r.code, body: JSON.parse(r.stdout), raw: r.stdout + r.stderr }
    }

    beforeAll(async () => {
      database = await createTestDatabase(kind)
      data = knex({ client: kind === 'pg' ? 'pg' : 'mysql2', connection: database.url, pool: { min: 0, max: 1 } })
      await data.schema.createTable('orders', (t) => {
        t.increments('id')
        t.decimal('amount', 12, 2)
        t.string('region')
      })
      await data('orders').insert([
        { amount: '120.50', region: 'eu' },
        { amount: '80.25', region: 'us' },
      ])
      hook = await httpReceiver()
      box = sandbox()
      env = { DB_URL: urlWithSecret(database), HOOK_URL: `${hook.url}/notices` }
      box.write(
        'circadian.config.ts',
        tsConfig(`{
        timezone: 'UTC',
        state: { client: '${client}', connection: env('DB_URL') },
        connections: { shop: { client: '${client}', connection: env('DB_URL') } },
        notifiers: { hook: { type: 'webhook', url: env('HOOK_URL') } },
        jobs: {
          revenue: {
            type: 'sql-alert',
            connection: 'shop',
            query: \`select case when sum(amount) < 500 then 'ALERT' else 'OK' end as status,
                           sum(amount) as actual_value, 500 as threshold, count(*) as orders
                    from orders\`,
            notify: ['hook'],
          },
          eu_present: { type: 'sql-alert', connection: 'shop', query: "select case when count(*) > 0 then 'OK' else 'ALERT' end as status from orders where region = 'eu'" },
          broken: { type: 'sql-alert', connection: 'shop', query: "select 'OK' as status, amount from orders", notify: ['hook'] },
        },
      }`),
      )
    })
    afterAll(async () => {
      await data?.destroy()
      await hook?.close()
      box?.cleanup()
      await database?.drop()
    })

    it('exits 0 when the alerts are OK', async () => {
      const r = await run('run', 'eu_present')
      expect(r.code).toBe(0)
      expect(r.body.runs[0]).toMatchObject({ job: 'eu_present', status: 'succeeded' })
    })

    it('exits 1 on ALERT, with the decimal sum as a number and one firing notice', async () => {
      const r = await run('run', 'revenue', 'eu_present')
      expect(r.code).toBe(1)
      expect(r.body.runs.find((x: { job: string }) => x.job === 'revenue')).toMatchObject({
        status: 'alert',
        data: { actual_value: 200.75, threshold: 500, context: { orders: 2 } },
      })
      expect(hook.received.map((n) => n.body.title)).toEqual(['ALERT: revenue'])
      expect(hook.received[0].body.fields).toMatchObject({ actual_value: 200.75, threshold: 500, orders: 2 })
    })

    it('exits 3 when a query breaks the contract (two rows), naming which clause', async () => {
      const r = await run('run', '--all')
      expect(r.code).toBe(3)
      expect(r.body.runs.find((x: { job: string }) => x.job === 'broken')).toMatchObject({
        status: 'failed',
        reason: 'permanent',
        attempts: 1,
        data: { error: 'too-many-rows' },
        error: expect.stringMatching(/^query returned 2 rows/),
      })
      expect(hook.received.map((n) => n.body.title)).toEqual(['ALERT: revenue', 'ERROR: broken'])
    })

    it('keeps the state in the server store, where alerts status and silences find it', async () => {
      expect((await run('alerts', 'silence', 'revenue', '--until-resolved')).code).toBe(0)
      await data('orders').insert({ amount: '1000.00', region: 'us' })
      expect((await run('run', 'revenue')).code).toBe(0)
      const status = await run('alerts', 'status')
      const byJob = Object.fromEntries(status.body.alerts.map((a: { job: string }) => [a.job, a]))
      expect(byJob.revenue).toMatchObject({ state: 'OK', actual_value: 1200.75, silenced: null })
      expect(byJob.broken).toMatchObject({ state: 'ERROR', lastError: { kind: 'too-many-rows' } })
      // Silenced when it resolved: no resolved notice.
      expect(hook.received.map((n) => n.body.title)).toEqual(['ALERT: revenue', 'ERROR: broken'])
    })

    it('never shows the database password', async () => {
      const outputs = [await run('history'), await run('alerts', 'status'), await run('run', '--all')]
      for (const r of outputs) expect(r.raw).not.toContain(PASSWORD)
    })
  },
)
