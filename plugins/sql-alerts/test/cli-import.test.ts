import { copyFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import knex from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox } from '../../../test/helpers/cli.js'
import { type DatabaseKind, type TestDatabase, createTestDatabase } from '../../../test/helpers/databases.js'
import { httpReceiver } from './http-receiver.js'
import { smtpReceiver } from './smtp-receiver.js'

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'sqlsentinel')

describe('alerts import: a SQL Sentinel config on SQLite, converted, validated and run', () => {
  let box: Sandbox
  let hook: Awaited<ReturnType<typeof httpReceiver>>
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    box = sandbox()
    hook = await httpReceiver()
    smtp = await smtpReceiver()
    env = {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      WEBHOOK_URL: `${hook.url}/sentinel`,
      WEBHOOK_TOKEN: 'tok-abc-123456',
    }
    copyFileSync(path.join(FIXTURES, 'alerts.yaml'), box.write('sentinel/alerts.yaml', ''))
    const shop = knex({
      client: 'better-sqlite3',
      connection: { filename: path.join(box.dir, 'sentinel', 'shop.db') },
      useNullAsDefault: true,
    })
    await shop.schema.createTable('orders', (t) => t.decimal('amount'))
    await shop('orders').insert([{ amount: 2500 }, { amount: 1200.5 }])
    await shop.destroy()
  })
  afterAll(async () => {
    await hook?.close()
    await smtp?.close()
    box?.cleanup()
  })

  it('writes circadian.config.ts with one sql-alert job per alert, the database next to the YAML', async () => {
    const r = await box.run(['alerts', 'import', 'sentinel/alerts.yaml'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^Wrote circadian\.config\.ts: 3 sql-alert jobs \(2 enabled\) on SQLite sentinel\/shop\.db/,
    )
    expect(r.stdout).toMatch(
      /note: alerts\[0\]\.notify\[0\]\.subject "Revenue Alert: \{alert_name\}" is not carried over/,
    )
    expect(r.stdout).toMatch(/Next: set SMTP_HOST, WEBHOOK_URL, WEBHOOK_TOKEN, then circadian validate/)
    const text = readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')
    expect(text).toContain("connections: { database: { client: 'sqlite', filename: 'sentinel/shop.db' } }")
    expect(text).toContain('// SQL Sentinel alert "Stale Pipeline"\n    stale_pipeline: {')
    expect(text).toContain("schedule: '0 */6 * * *'")
    expect(text).toContain("headers: { Authorization: `Bearer ${env('WEBHOOK_TOKEN')}` }")
    expect(text).toMatch(/old_check: \{[^}]*enabled: false/)
  })

  it('fails validation until the variables it names are set (exit 2), then passes', async () => {
    const missing = await box.run(['validate'])
    expect(missing.code).toBe(2)
    for (const name of ['SMTP_HOST', 'WEBHOOK_URL', 'WEBHOOK_TOKEN'])
      expect(missing.stderr).toContain(`environment variable ${name} is not set`)
    const ok = await box.run(['validate'], { env })
    expect(ok.stdout).toMatch(/is valid: 3 jobs \(sql-alert ×3\)/)
    expect(ok.code).toBe(0)
  })

  it('runs: ALERTs exit 1 and are notified by email and webhook, disabled alerts stay off', async () => {
    const r = await box.run(['run', '--all', '--json'], { env })
    expect(r.code).toBe(1)
    const runs = JSON.parse(r.stdout).runs
    expect(runs.map((x: { job: string }) => x.job).sort()).toEqual(['daily_revenue_check', 'stale_pipeline'])
    expect(runs.find((x: { job: string }) => x.job === 'daily_revenue_check')).toMatchObject({
      status: 'alert',
      data: { actual_value: 3700.5, threshold: 10000, context: { order_count: 2 } },
    })
    expect(smtp.received).toHaveLength(1)
    expect(smtp.received[0].to).toEqual(['data-team@example.com'])
    expect(smtp.received[0].from).toBe('sqlsentinel@localhost')
    expect(smtp.received[0].raw).toMatch(/Subject: ALERT: daily_revenue_check/)
    expect(hook.received).toHaveLength(1)
    expect(hook.received[0].headers.authorization).toBe('Bearer tok-abc-123456')
    expect(hook.received[0].body).toMatchObject({
      title: 'ALERT: stale_pipeline',
      fields: { actual_value: 30, threshold: 24 },
    })
  })
})

describe('alerts import: channels, secrets and schedules of a multi-channel config', () => {
  let box: Sandbox
  let text: string
  let report: {
    alerts: Array<{ job: string; notify: string[] }>
    env: Array<{ name: string; fromLiteral: boolean; optional: boolean }>
    notes: string[]
    notifiers: string[]
  }

  beforeAll(async () => {
    box = sandbox()
    copyFileSync(path.join(FIXTURES, 'alerts-multi-channel.yaml'), box.write('alerts.yaml', ''))
    const r = await box.run(['alerts', 'import', 'alerts.yaml', '--out', 'config/circadian.config.ts', '--json'])
    expect(r.code).toBe(0)
    report = JSON.parse(r.stdout)
    text = readFileSync(path.join(box.dir, 'config', 'circadian.config.ts'), 'utf8')
  })
  afterAll(() => box?.cleanup())

  it('never writes a password, webhook URL or token from the YAML into the config', () => {
    for (const secret of [
      's3cret-literal-pw',
      'literalslacksecret',
      'hooks.slack.com',
      'literal-genie-key-123',
      'api.opsgenie.example',
    ])
      expect(text).not.toContain(secret)
    const fromLiteral = report.env.filter((v) => v.fromLiteral).map((v) => v.name)
    expect(fromLiteral).toEqual(['DATABASE_PASSWORD', 'SLACK_WEBHOOK_URL_2', 'WEBHOOK_URL', 'WEBHOOK_2_AUTHORIZATION'])
  })

  it('makes one notifier per distinct channel, shared by alerts that use the same one', () => {
    expect(report.notifiers).toEqual(['slack_data_quality_alerts', 'email', 'slack', 'webhook', 'webhook_2'])
    expect(report.alerts.map((a) => [a.job, a.notify])).toEqual([
      ['high_error_rate', ['slack_data_quality_alerts']],
      ['payment_processing_failure', ['email', 'slack', 'webhook', 'webhook_2']],
      ['nightly_rollup', ['email']],
    ])
    // The docs' second `channel:` key is the Slack channel override.
    expect(text).toMatch(
      /slack_data_quality_alerts: \{\s*type: 'slack',\s*webhookUrl: env\('SLACK_WEBHOOK_URL'\),\s*channel: '#data-quality-alerts',\s*username: 'SQL Sentinel - Data Quality',/,
    )
    expect(report.notes).toContain(
      "alerts[1].notify[2]: method PUT becomes POST (circadian's webhook notifier posts JSON)",
    )
  })

  it("converts croniter's seconds-last schedule and the connection's TLS mode", () => {
    expect(text).toContain("schedule: '15 30 2 * * *'")
    expect(text).toMatch(
      /client: 'pg',\s*connection: \{\s*host: 'db.internal',\s*port: 6543,\s*user: 'report',\s*password: env\('DATABASE_PASSWORD'\),\s*database: 'analytics',\s*ssl: \{ rejectUnauthorized: false \},/,
    )
  })

  it('passes circadian validate once the variables are set', async () => {
    const env = Object.fromEntries(
      report.env
        .filter((v) => !v.optional)
        .map((v) => [
          v.name,
          v.name.includes('URL') || (v.name.includes('WEBHOOK') && !v.name.includes('AUTH'))
            ? 'https://example.invalid/hook'
            : 'value',
        ]),
    )
    const r = await box.run(['validate', '--config', 'config/circadian.config.ts'], { env })
    expect(r.stderr.replace(/^warning: plugin .*\n/gm, '')).toBe('')
    expect(r.code).toBe(0)
  })

  it('refuses to overwrite the config unless --force', async () => {
    const before = text
    const r = await box.run(['alerts', 'import', 'alerts.yaml', '--out', 'config/circadian.config.ts'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/already exists; nothing was written \(use --force to overwrite it\)/)
    expect(readFileSync(path.join(box.dir, 'config', 'circadian.config.ts'), 'utf8')).toBe(before)
    expect(
      (await box.run(['alerts', 'import', 'alerts.yaml', '--out', 'config/circadian.config.ts', '--force'])).code,
    ).toBe(0)
  })
})

describe.each(['pg', 'mysql'] as DatabaseKind[])(
  'alerts import: a SQLAlchemy URL for %s, run against the server',
  (kind) => {
    let box: Sandbox
    let database: TestDatabase
    beforeAll(async () => {
      database = await createTestDatabase(kind)
      const db = knex({ client: kind === 'pg' ? 'pg' : 'mysql2', connection: database.url, pool: { min: 0, max: 1 } })
      await db.schema.createTable('signups', (t) => t.integer('n'))
      await db('signups').insert([{ n: 3 }, { n: 4 }])
      await db.destroy()
      const url = new URL(database.url)
      const sqlalchemy =
        kind === 'pg'
          ? `postgresql+psycopg2://postgres:not-needed-pw@${url.host}${url.pathname}`
          : `mysql+pymysql://root@${url.host}${url.pathname}`
      box = sandbox()
      box.write(
        'alerts.yaml',
        `database:\n  url: "${sqlalchemy}"\nalerts:\n  - name: signups_low\n    query: |\n      SELECT CASE WHEN SUM(n) < 10 THEN 'ALERT' ELSE 'OK' END AS status, SUM(n) AS actual_value, 10 AS threshold FROM signups\n    schedule: "0 * * * *"\n  - name: signups_present\n    query: SELECT CASE WHEN COUNT(*) > 0 THEN 'OK' ELSE 'ALERT' END AS status FROM signups\n    schedule: "0 * * * *"\n`,
      )
    })
    afterAll(async () => {
      box?.cleanup()
      await database?.drop()
    })

    it('imports, and the jobs run against the database (exit 1 for the ALERT)', async () => {
      const imported = await box.run(['alerts', 'import', 'alerts.yaml'])
      expect(imported.code).toBe(0)
      const text = readFileSync(path.join(box.dir, 'circadian.config.ts'), 'utf8')
      expect(text).not.toContain('not-needed-pw')
      const env = kind === 'pg' ? { DATABASE_PASSWORD: 'not-needed-pw' } : {}
      const r = await box.run(['run', '--all', '--json'], { env })
      expect(r.code).toBe(1)
      const runs = Object.fromEntries(
        JSON.parse(r.stdout).runs.map((x: { job: string; status: string; data: unknown }) => [x.job, x]),
      )
      expect(runs.signups_low).toMatchObject({ status: 'alert', data: { actual_value: 7, threshold: 10 } })
      expect(runs.signups_present).toMatchObject({ status: 'succeeded' })
      expect(r.stdout).not.toContain('not-needed-pw')
    })
  },
)

describe('alerts import: bad input', () => {
  let box: Sandbox
  beforeAll(() => {
    box = sandbox()
  })
  afterAll(() => box?.cleanup())

  it('names a missing file (exit 2)', async () => {
    const r = await box.run(['alerts', 'import', 'nope.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot read .*nope\.yaml: no such file/)
  })

  it('reports YAML syntax errors (exit 2, no stack trace)', async () => {
    box.write('broken.yaml', 'database:\n  url: [unclosed\n')
    const r = await box.run(['alerts', 'import', 'broken.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/broken\.yaml is not valid YAML/)
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/)
  })

  it('reports every problem of the config at once, each with its path (exit 2)', async () => {
    box.write(
      'bad.yaml',
      'database: {}\nalerts:\n  - name: a\n    schedule: "0 * * * *"\n  - name: b\n    query: select 1\n    notify:\n      - channel: pager\n      - channel: email\n        recipients: []\n  - name: a\n    query: select 2\n',
    )
    const r = await box.run(['alerts', 'import', 'bad.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('database.url: is required')
    expect(r.stderr).toContain('alerts[0].query: is required')
    expect(r.stderr).toContain('alerts[1].notify[0].channel: must be email, slack or webhook')
    expect(r.stderr).toContain('alerts[1].notify[1].recipients: needs at least one recipient')
  })

  it('refuses duplicate alert names and unsupported databases (exit 2)', async () => {
    box.write(
      'dupes.yaml',
      'database:\n  url: sqlite:///x.db\nalerts:\n  - {name: a, query: select 1}\n  - {name: a, query: select 2}\n',
    )
    const dupes = await box.run(['alerts', 'import', 'dupes.yaml', '--out', 'dupes.config.ts'])
    expect(dupes.code).toBe(2)
    expect(dupes.stderr).toMatch(/alerts\[1\]\.name: "a" is also the name of alerts\[0\]/)
    box.write('bq.yaml', 'database:\n  url: bigquery://project/dataset\nalerts:\n  - {name: a, query: select 1}\n')
    const bq = await box.run(['alerts', 'import', 'bq.yaml', '--out', 'bq.config.ts'])
    expect(bq.code).toBe(2)
    expect(bq.stderr).toMatch(/database\.url uses "bigquery"/)
  })
})
