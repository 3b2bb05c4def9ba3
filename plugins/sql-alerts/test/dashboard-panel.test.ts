import type { ChildProcess } from 'node:child_process'
import knex from 'knex'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, requireChromium, startServeHttp } from '../../../test/helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../../../test/helpers/cli.js'

const TOKEN = 'sql-alerts-panel-token-0123456789'
/** Generous: the machine is shared and sometimes slow. Every wait ends as soon as its condition holds. */
const SLOW = 30_000

let box: Sandbox
let serve: ChildProcess
let serveOutput: () => string = () => ''
let base: string
let browser: Browser
let page: Page
const pageErrors: string[] = []

const panel = () => page.locator('section[data-panel="sql-alerts"]')
const alertRow = (job: string) => panel().locator(`tr[data-key="${job}"]`)
const cell = (job: string, column: string) => alertRow(job).locator(`td[data-label="${column}"]`).textContent()
const okNotice = () => page.locator('.notice-ok .notice-text').last().textContent()
/** The silence `circadian alerts status --json` reports for a job (the CLI reads the same store as serve). */
const cliSilence = async (job: string) => {
  const r = await box.run(['alerts', 'status', job, '--json'], { env: { CIRCADIAN_TOKEN: TOKEN } })
  expect(r.code, r.stderr).toBe(0)
  return (
    JSON.parse(r.stdout) as {
      alerts: Array<{ silenced: { by: string; reason: string | null; until: string | null } | null }>
    }
  ).alerts[0].silenced
}
/** Answers the token dialog the page opens after the action's own input. */
const giveToken = async () => {
  const dialog = page.locator('dialog.prompt[open]').filter({ has: page.getByRole('button', { name: 'Use token' }) })
  await dialog.getByLabel('Token').fill(TOKEN, { timeout: SLOW })
  await dialog.getByRole('button', { name: 'Use token' }).click()
}
const silenceFromPage = async (job: string, input: string) => {
  await alertRow(job)
    .getByRole('button', { name: `Silence ${job}` })
    .click()
  const dialog = page.locator('dialog.prompt[open]').filter({ has: page.getByLabel('Silence for') })
  await dialog.getByLabel('Silence for').fill(input, { timeout: SLOW })
  await dialog.getByRole('button', { name: 'Silence' }).click()
}

beforeAll(async () => {
  requireChromium()
  box = sandbox()
  const data = knex({
    client: 'better-sqlite3',
    connection: { filename: `${box.dir}/data.db` },
    useNullAsDefault: true,
  })
  try {
    await data.schema.createTable('metrics', (t) => t.integer('x'))
    await data('metrics').insert({ x: 5 })
  } finally {
    await data.destroy()
  }
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  box.write(
    'circadian.config.ts',
    tsConfig(`{
      timezone: 'UTC',
      // publicReads: the panel's actions need the token; reads needing it are tested in the core (test/security).
      serve: { http: { port: ${port}, publicReads: true }, token: env('CIRCADIAN_TOKEN'), shutdownGrace: '5s' },
      connections: { local: { client: 'sqlite', filename: 'data.db' } },
      jobs: {
        revenue: {
          type: 'sql-alert',
          schedule: '*/2 * * * * *',
          connection: 'local',
          query: "select case when x > 3 then 'ALERT' else 'OK' end as status, x as actual_value, 3 as threshold from metrics",
        },
        steady: { type: 'sql-alert', schedule: '*/2 * * * * *', connection: 'local', query: "select 'OK' as status, 7 as actual_value" },
        hello: { type: 'command', command: 'true' },
      },
    }`),
  )
  const started = await startServeHttp(box, { CIRCADIAN_TOKEN: TOKEN }, SLOW)
  serve = started.child
  serveOutput = started.output
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await page.goto(base)
}, 90_000)

afterAll(async () => {
  await browser?.close()
  if (serve && serve.exitCode === null) {
    const closed = new Promise((resolve) => serve.on('close', resolve))
    serve.kill('SIGTERM')
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 15_000))])
    if (serve.exitCode === null) serve.kill('SIGKILL')
  }
  box?.cleanup()
})

describe('the "Alerts" panel of serve\'s dashboard, in headless Chromium', () => {
  it('lists every sql-alert job with state, since, value vs threshold and silence', async () => {
    await alertRow('revenue').waitFor({ timeout: SLOW })
    expect(serveOutput()).not.toContain('warning: plugin @circadian/plugin-sql-alerts')
    expect(await panel().locator('h2').textContent()).toBe('Alerts')
    expect(await panel().locator('thead th').allTextContents()).toEqual([
      'job',
      'state',
      'since',
      'value vs threshold',
      'checked',
      'silenced until',
      'silenced by',
      'reason',
      'Actions',
    ])
    expect(
      await panel()
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key'))),
    ).toEqual(['revenue', 'steady'])
    // serve evaluates both every 2 s; the panel follows the runs without a reload.
    await expect.poll(() => cell('revenue', 'state'), { timeout: SLOW }).toBe('ALERT')
    await expect.poll(() => cell('steady', 'state'), { timeout: SLOW }).toBe('OK')
    expect(await cell('revenue', 'value vs threshold')).toBe('5 vs threshold 3')
    expect(await cell('steady', 'value vs threshold')).toBe('7')
    expect(await cell('revenue', 'since')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+(s|m)\)$/)
    expect(await cell('revenue', 'silenced until')).toBe('—')
    // Silence everywhere; Unsilence only where there is a silence.
    expect(await alertRow('revenue').locator('button').allTextContents()).toEqual(['Silence revenue'])

    // Each scheduled evaluation is a run in history, with its values.
    const history = await box.run(['history', 'revenue', '--json'], { env: { CIRCADIAN_TOKEN: TOKEN } })
    expect(history.code, history.stderr).toBe(0)
    const runs = (JSON.parse(history.stdout) as { runs: Array<{ status: string; trigger: string; data: unknown }> })
      .runs
    expect(runs.find((r) => r.status === 'alert')).toMatchObject({
      trigger: 'schedule',
      data: { status: 'ALERT', actual_value: 5, threshold: 3 },
    })
  })

  it('Silence asks for a duration, then the token, and records the silence (seen by `alerts status`)', async () => {
    await silenceFromPage('revenue', '2h')
    await giveToken()
    await expect
      .poll(okNotice, { timeout: SLOW })
      .toMatch(
        /^Silenced revenue until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(2h\) by dashboard: silenced from the dashboard$/,
      )
    await expect.poll(() => cell('revenue', 'silenced by'), { timeout: SLOW }).toBe('dashboard')
    expect(await cell('revenue', 'silenced until')).toMatch(/^until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
    expect(await cell('revenue', 'reason')).toBe('silenced from the dashboard')
    expect(await alertRow('revenue').locator('button').allTextContents()).toEqual([
      'Silence revenue',
      'Unsilence revenue',
    ])

    const silence = await cliSilence('revenue')
    expect(silence).toMatchObject({ by: 'dashboard', reason: 'silenced from the dashboard' })
    const left = Date.parse(silence!.until!) - Date.now()
    expect(left).toBeGreaterThan(60 * 60_000)
    expect(left).toBeLessThanOrEqual(2 * 60 * 60_000)
    // Still evaluated while silenced.
    await expect.poll(() => cell('revenue', 'state'), { timeout: SLOW }).toBe('ALERT')
  })

  it('a duration it cannot read is refused on the page and changes nothing', async () => {
    await silenceFromPage('steady', 'soon')
    const refusal = page.locator('.notice-error[role="alert"] .notice-text').last()
    await expect.poll(() => refusal.textContent(), { timeout: SLOW }).toContain('"soon" is not a duration')
    expect(await cliSilence('steady')).toBeNull()
    expect(await cell('steady', 'silenced until')).toBe('—')
  })

  it('a silence set with the CLI shows on the open page', async () => {
    const r = await box.run(['alerts', 'silence', 'steady', '--until-resolved', '--reason', 'maintenance'], {
      env: { USER: 'ana', CIRCADIAN_TOKEN: TOKEN },
    })
    expect(r.code, r.stderr).toBe(0)
    await expect.poll(() => cell('steady', 'reason'), { timeout: SLOW }).toBe('maintenance')
    expect(await cell('steady', 'silenced until')).toBe('until resolved')
    expect(await cell('steady', 'silenced by')).toBe('ana')
  })

  it('Unsilence ends the silence; the row loses its Unsilence button', async () => {
    await alertRow('revenue').getByRole('button', { name: 'Unsilence revenue' }).click()
    await expect.poll(okNotice, { timeout: SLOW }).toBe('Unsilenced revenue')
    await expect.poll(() => cell('revenue', 'silenced until'), { timeout: SLOW }).toBe('—')
    expect(await alertRow('revenue').locator('button').allTextContents()).toEqual(['Silence revenue'])
    expect(await cliSilence('revenue')).toBeNull()

    // The action endpoint wants the token, like the API's other changes.
    const refused = await fetch(`${base}/api/dashboard/panels/sql-alerts/actions/unsilence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'steady' }),
    })
    expect(refused.status).toBe(401)
    expect(await cliSilence('steady')).toMatchObject({ reason: 'maintenance' })
  })

  it('no script errors on the page', () => {
    expect(pageErrors).toEqual([])
  })
})
