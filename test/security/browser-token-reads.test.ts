import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, requireChromium } from '../helpers/browser.js'
import { type RunningServe, TOKEN, call, startServe } from './serve-http.js'

// serve.token set and publicReads off: the dashboard's data and its event stream need the token.
const SLOW = 20_000
let serve: RunningServe
let browser: Browser
let page: Page
const unauthorized: string[] = []

beforeAll(async () => {
  requireChromium()
  serve = await startServe(
    (port) =>
      `{ serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN') }, jobs: { report: { type: 'command', command: 'echo report done' }, tick: { type: 'command', schedule: '0 * * * *', command: 'true' } } }`,
  )
  browser = await launchChromium()
  page = await browser.newPage()
  page.on('response', (res) => {
    if (res.status() === 401) unauthorized.push(new URL(res.url()).pathname)
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  serve?.stop()
})

describe('the dashboard when reads need the token', () => {
  it('loads its page without the token, asks for it once, then shows the jobs', async () => {
    expect((await call(serve.base, '/')).status).toBe(200)
    await page.goto(serve.base)
    const dialog = page.locator('dialog.prompt[open]')
    await dialog.waitFor({ timeout: SLOW })
    expect(await dialog.locator('#prompt-help').textContent()).toContain("Reading this dashboard needs serve's token")
    await dialog.getByLabel('Token').fill(TOKEN)
    await dialog.getByRole('button', { name: 'Use token' }).click()
    await page.locator('table.jobs tr[data-job="report"]').waitFor({ timeout: SLOW })
    expect(unauthorized).toContain('/api/dashboard/meta')
    expect(await page.locator('dialog.prompt').count()).toBe(0)
  })

  it('hears live changes through the token-carrying event stream, and reads a run output when opened', async () => {
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: SLOW }).toContain('Live')
    await page.evaluate(() => (location.hash = '#/jobs/report'))
    await page.locator('h1', { hasText: 'report' }).waitFor({ timeout: SLOW })
    const before = unauthorized.length
    // A run started elsewhere (the CLI) reaches the open page only through the event stream.
    expect((await serve.box.run(['trigger', 'report'], { env: { CIRCADIAN_TOKEN: TOKEN } })).code).toBe(0)
    const row = page.locator('table.runs tbody tr').first()
    await expect.poll(() => row.locator('.status').textContent(), { timeout: SLOW }).toContain('succeeded')
    await row.locator('summary').click()
    expect(await row.locator('pre').textContent()).toBe('report done\n')
    expect(unauthorized.length).toBe(before)
    expect(await page.locator('dialog.prompt').count()).toBe(0)
  })
})
