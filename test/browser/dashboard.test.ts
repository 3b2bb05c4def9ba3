import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { type Browser, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, ROOT, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { waitFor } from '../helpers/servers.js'
import { PANEL_PLUGIN, linkPanelPlugin } from './panel-plugin.js'

const CHROMIUM = '/usr/bin/chromium'
const TOKEN = 'dashboard-token-0123456789abcdef'
const SHOTS = path.join(ROOT, 'test-output', 'dashboard')
/** Generous: the machine is shared and sometimes slow. Every wait ends as soon as its condition holds. */
const SLOW = 20_000

let box: Sandbox
let serve: ChildProcess
let serveOut = ''
let base: string
let browser: Browser
let page: Page
const pageErrors: string[] = []

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

const api = async <T>(p: string): Promise<T> => (await (await fetch(`${base}${p}`)).json()) as T
type ApiJob = { job: string; paused: boolean; nextFire: string | null }
const apiJob = async (name: string) => (await api<{ jobs: ApiJob[] }>('/api/jobs')).jobs.find((j) => j.job === name)!
const shot = (name: string, p: Page = page) => p.screenshot({ path: path.join(SHOTS, name), fullPage: true })
const jobRow = (name: string, p: Page = page) => p.locator(`table.jobs tr[data-job="${name}"]`)
const goto = async (hash: string) => {
  // Navigating by the fragment, as the page's own links do: no reload.
  await page.evaluate((h) => (location.hash = h), hash)
  await page.locator('h1').filter({ hasText: hash === '#/' ? 'Jobs' : decodeURIComponent(hash.slice('#/jobs/'.length)) }).waitFor({ timeout: SLOW })
}
/** Answers the token dialog the page opens. */
const giveToken = async (value: string) => {
  const dialog = page.locator('dialog.prompt[open]')
  await dialog.waitFor({ timeout: SLOW })
  await dialog.getByLabel('Token').fill(value)
  await dialog.getByRole('button', { name: 'Use token' }).click()
}
const newestRunId = () => page.locator('table.runs tbody tr').first().getAttribute('data-run', { timeout: SLOW })

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the dashboard tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)`)
  mkdirSync(SHOTS, { recursive: true })
  box = sandbox()
  await linkPanelPlugin(box)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  box.write(
    'circadian.config.ts',
    tsConfig(`{
      timezone: 'UTC',
      serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN'), shutdownGrace: '5s' },
      jobs: {
        tick: { type: 'command', schedule: '* * * * * *', command: 'echo tick' },
        flaky: { type: 'command', schedule: '*/2 * * * * *', command: 'echo oops >&2; exit 1' },
        report: { type: 'command', command: 'echo report done', description: 'Builds the weekly report' },
        nightly: { type: 'command', schedule: '0 2 * * *', timezone: 'Europe/Berlin', command: 'true' },
        poll: { type: 'command', every: '5m', command: 'true' },
      },
    }`),
  )
  serve = spawn(process.execPath, [BIN, 'serve'], { cwd: box.dir, env: { ...box.env, CIRCADIAN_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] })
  serve.stdout!.on('data', (c) => (serveOut += c))
  serve.stderr!.on('data', (c) => (serveOut += c))
  await waitFor(() => serveOut.includes('HTTP on ') || serve.exitCode !== null, SLOW)
  if (serve.exitCode !== null) throw new Error(`serve did not start:\n${serveOut}`)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await page.goto(base)
  await page.evaluate(() => ((window as unknown as { loadMarker: string }).loadMarker = 'first load'))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (serve && serve.exitCode === null) serve.kill('SIGKILL')
  box?.cleanup()
})

describe('the dashboard, in headless Chromium against a real serve', () => {
  it('warns about a malformed panel at start and serves the page with its own script, styles and a strict CSP', async () => {
    expect(serveOut).toContain(`warning: plugin ${PANEL_PLUGIN}: a dashboard panel needs an id of letters, digits, "-" and "_"; it is not shown`)
    const res = await fetch(`${base}/`)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await res.text()
    expect(html).toMatch(/<script type="module" src="assets\/app\.js\?v=[0-9a-f]+">/)
    expect(html).not.toMatch(/https?:\/\//)
    expect((await fetch(`${base}/assets/app.css`)).headers.get('content-type')).toContain('text/css')
  })

  it('lists every job: schedule in words and as cron, zone, next fire, last status badge, failures, paused, running', async () => {
    await jobRow('tick').waitFor({ timeout: SLOW })
    await expect.poll(() => jobRow('flaky').locator('.last-run').textContent(), { timeout: SLOW }).toContain('failed')
    await expect.poll(async () => Number(await jobRow('flaky').locator('.failures').textContent()), { timeout: SLOW }).toBeGreaterThan(0)
    await expect.poll(() => jobRow('tick').locator('.last-run').textContent(), { timeout: SLOW }).toContain('succeeded')

    const tick = jobRow('tick')
    expect(await tick.locator('.schedule-words').textContent()).toBe('every second')
    expect(await tick.locator('code.cron').textContent()).toBe('* * * * * *')
    const nightly = jobRow('nightly')
    expect(await nightly.locator('.schedule-words').textContent()).toBe('at 02:00 every day')
    expect(await nightly.locator('code.cron').textContent()).toBe('0 2 * * *')
    expect(await nightly.textContent()).toContain('Europe/Berlin')
    // The next 02:00 in Berlin, in Berlin time, and how far away it is.
    expect(await nightly.locator('.next-fire').textContent()).toMatch(/^\d{4}-\d\d-\d\d 02:00:00 in \d+ (h|min)/)
    expect(await jobRow('poll').locator('.schedule-words').textContent()).toBe('every 5 minutes')
    expect(await jobRow('report').locator('.schedule-words').textContent()).toBe('only when triggered')
    expect(await jobRow('report').textContent()).toContain('Builds the weekly report')
    // Badges carry their status as text, not only as colour.
    expect(await jobRow('report').locator('.last-run .badge').textContent()).toContain('no runs yet')

    const health = page.locator('#health')
    await expect.poll(() => health.textContent(), { timeout: SLOW }).toMatch(/Instances: \S+ \(heartbeat \d+ s ago, this one\)/)
    expect(await health.textContent()).toMatch(/Open breakers: none.*Dead letters: \d+.*Config: loaded/)
    expect(await page.$$eval('input, select', (els) => els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id))).toEqual([])
    await shot('jobs.png')
  })

  it('filters by text, type and status', async () => {
    await page.getByLabel('Search').fill('nigh')
    await expect.poll(() => page.locator('table.jobs tbody tr').count()).toBe(1)
    expect(await page.locator('.count').textContent()).toBe('1 of 5 jobs')
    await page.getByLabel('Search').fill('weekly report')
    await expect.poll(() => page.locator('table.jobs tbody tr').getAttribute('data-job')).toBe('report')
    await page.getByLabel('Search').fill('')
    await page.getByLabel('Status').selectOption({ label: 'Last run failed' })
    await expect.poll(() => page.locator('table.jobs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')))).toEqual(['flaky'])
    await page.getByLabel('Type').selectOption('command')
    await page.getByLabel('Status').selectOption({ label: 'Any status' })
    await expect.poll(() => page.locator('table.jobs tbody tr').count()).toBe(5)
  })

  it('opens a job with the keyboard, and its runs appear live (within 2 s) without a reload', async () => {
    await page.getByLabel('Search').focus()
    let onLink = false
    for (let i = 0; i < 30 && !onLink; i++) {
      await page.keyboard.press('Tab')
      onLink = await page.evaluate(() => document.activeElement?.getAttribute('data-focus-key') === 'job:tick')
    }
    expect(onLink).toBe(true)
    await page.keyboard.press('Enter')
    await page.locator('h1', { hasText: 'tick' }).waitFor({ timeout: SLOW })
    // The page moves focus to the new heading, so a screen reader starts there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1')

    const first = await newestRunId()
    await expect.poll(newestRunId, { timeout: SLOW }).not.toBe(first)
    // A run the API already knows shows on the page within 2 s (plus the polling here).
    for (let i = 0; i < 3; i++) {
      const shown = await newestRunId()
      const fresh = await waitFor(async () => {
        const runs = (await api<{ runs: Array<{ id: string }> }>('/api/jobs/tick/runs?limit=1')).runs
        return runs[0] && runs[0].id !== shown ? runs[0].id : undefined
      }, SLOW)
      await page.locator(`table.runs tr[data-run="${fresh}"]`).waitFor({ timeout: 2500 })
    }
    expect(await page.evaluate(() => (window as unknown as { loadMarker?: string }).loadMarker)).toBe('first load')

    const row = page.locator('table.runs tbody tr').filter({ hasText: 'succeeded' }).first()
    expect(await row.locator('td[data-label="Trigger"]').textContent()).toBe('schedule')
    expect(await row.locator('td[data-label="Late by"]').textContent()).toMatch(/^\+\d/)
    expect(await row.locator('td[data-label="Duration"]').textContent()).toMatch(/\d+ (ms|s)$/)
    await row.locator('summary').click()
    expect(await row.locator('pre').textContent()).toBe('tick\n')

    // uPlot draws the durations; the timeline lists the next day's fires, computed by serve.
    await page.locator('.chart .uplot canvas').first().waitFor({ timeout: SLOW })
    expect(await page.locator('.chart-summary').textContent()).toMatch(/^\d+ runs?: median \d+/)
    expect(await page.locator('.timeline-summary').textContent()).toMatch(/^More than 1,500 fires in the next 24 hours/)
    expect(await page.locator('.timeline-mark').count()).toBeGreaterThan(0)
    await shot('job-tick.png')
  })

  it('Trigger asks for the token once, keeps it for the tab, and the new runs appear', async () => {
    await page.evaluate(() => sessionStorage.clear())
    await goto('#/jobs/report')
    await page.getByRole('button', { name: 'Trigger now' }).click()
    await page.locator('dialog.prompt[open]').waitFor({ timeout: SLOW })
    await shot('token-dialog.png')
    await giveToken(TOKEN)
    await expect.poll(() => page.locator('.notice-ok .notice-text').textContent(), { timeout: SLOW }).toMatch(/^Triggered report: run \w+/)
    const apiRuns = () => page.locator('table.runs tbody tr').filter({ has: page.locator('td[data-label="Trigger"]', { hasText: /^api$/ }) })
    await expect.poll(() => apiRuns().count(), { timeout: SLOW }).toBe(1)
    await expect.poll(() => apiRuns().first().locator('.status').textContent(), { timeout: SLOW }).toContain('succeeded')
    expect(await apiRuns().first().locator('td[data-label="Summary / error"]').textContent()).toBe('report done')

    await page.getByRole('button', { name: 'Trigger now' }).click()
    await expect.poll(() => apiRuns().count(), { timeout: SLOW }).toBe(2)
    expect(await page.locator('dialog.prompt').count()).toBe(0)
    // Kept for this tab only, and never written into the page.
    expect(await page.evaluate(() => sessionStorage.getItem('circadian.token'))).toBe(TOKEN)
    expect(await page.content()).not.toContain(TOKEN)
    await shot('job-report-triggered.png')
  })

  it('a wrong token is refused and the page says so; cancelling sends nothing', async () => {
    await page.evaluate(() => sessionStorage.clear())
    await goto('#/jobs/nightly')
    await page.getByRole('button', { name: 'Pause' }).click()
    await giveToken('wrong-token-0000000000000000')
    const refusal = page.locator('.notice-error[role="alert"] .notice-text')
    await expect.poll(() => refusal.textContent(), { timeout: SLOW }).toContain('Pause nightly refused: a valid bearer token is required')
    expect(await page.evaluate(() => sessionStorage.getItem('circadian.token'))).toBeNull()
    expect((await apiJob('nightly')).paused).toBe(false)
    await shot('refused.png')

    await page.getByRole('button', { name: 'Pause' }).click()
    await page.locator('dialog.prompt[open]').waitFor({ timeout: SLOW })
    await page.keyboard.press('Escape')
    await expect.poll(() => refusal.textContent(), { timeout: SLOW }).toContain('cancelled, no token was given')
    // Focus returns to the button that opened the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Pause')
    expect((await apiJob('nightly')).paused).toBe(false)
  })

  it('pausing a job takes its next fire away, live; resuming brings it back', async () => {
    const nextFire = page.locator('dl.facts .next-fire')
    expect(await nextFire.textContent()).toMatch(/02:00:00/)
    await page.getByRole('button', { name: 'Pause' }).click()
    await giveToken(TOKEN)
    await expect.poll(() => nextFire.textContent(), { timeout: SLOW }).toBe('— (paused)')
    expect(await page.locator('.paused-note').isVisible()).toBe(true)
    expect((await apiJob('nightly')).nextFire).toBeNull()
    await page.getByRole('link', { name: '← All jobs' }).click()
    await expect.poll(() => jobRow('nightly').locator('.next-fire').textContent(), { timeout: SLOW }).toBe('— paused')
    expect(await jobRow('nightly').locator('.paused').textContent()).toContain('paused (paused from the dashboard)')
    await shot('paused.png')

    // A pause made elsewhere (the CLI, through the store) reaches the open page too.
    expect((await box.run(['pause', 'poll', '--reason', 'maintenance'], { env: { CIRCADIAN_TOKEN: TOKEN } })).code).toBe(0)
    await expect.poll(() => jobRow('poll').locator('.next-fire').textContent(), { timeout: SLOW }).toBe('— paused')

    await goto('#/jobs/nightly')
    await page.getByRole('button', { name: 'Resume' }).click()
    await expect.poll(() => page.locator('dl.facts .next-fire').textContent(), { timeout: SLOW }).toMatch(/02:00:00/)
    expect((await apiJob('nightly')).paused).toBe(false)
    expect((await box.run(['resume', 'poll'], { env: { CIRCADIAN_TOKEN: TOKEN } })).code).toBe(0)
    await goto('#/')
    await expect.poll(() => jobRow('poll').locator('.next-fire').textContent(), { timeout: SLOW }).toMatch(/:00 in /)
  })

  it("renders a plugin's panels; an action asks for its input, runs with the token and updates the row", async () => {
    const panel = page.locator('section[data-panel="test-acks"]')
    await panel.locator('tr[data-key="report"]').waitFor({ timeout: SLOW })
    expect(await panel.locator('h2').textContent()).toBe('Acknowledgements')
    expect(await panel.locator('thead th').allTextContents()).toEqual(['job', 'lastStatus', 'acknowledged', 'note', 'Actions'])
    expect(await panel.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['flaky', 'nightly', 'poll', 'report', 'tick'])
    const report = panel.locator('tr[data-key="report"]')
    await expect.poll(() => report.locator('td[data-label="lastStatus"]').textContent(), { timeout: SLOW }).toBe('succeeded')
    expect(await page.locator('section[data-panel="test-broken"] [role="alert"]').textContent()).toBe('This panel failed: cannot reach the alert store')

    await report.getByRole('button', { name: 'Acknowledge report' }).click()
    const dialog = page.locator('dialog.prompt[open]')
    await dialog.getByLabel('Note').fill('looked at it')
    await dialog.getByRole('button', { name: 'Acknowledge' }).click()
    await expect.poll(() => page.locator('.notice-ok .notice-text').textContent(), { timeout: SLOW }).toBe('report acknowledged')
    await expect.poll(() => report.locator('td[data-label="acknowledged"]').textContent(), { timeout: SLOW }).toBe('yes')
    expect(await report.locator('td[data-label="note"]').textContent()).toBe('looked at it')
    await shot('panel.png')

    await report.getByRole('button', { name: 'Clear report' }).click()
    await expect.poll(() => report.locator('td[data-label="acknowledged"]').textContent(), { timeout: SLOW }).toBe('no')

    // The action endpoint is guarded like the API's mutations.
    const refused = await fetch(`${base}/api/dashboard/panels/test-acks/actions/clear`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'report' }) })
    expect(refused.status).toBe(401)
  })

  it('at phone width, tables become cards and nothing scrolls sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    phone.on('pageerror', (err) => pageErrors.push(err.message))
    try {
      await phone.goto(base)
      await jobRow('tick', phone).waitFor({ timeout: SLOW })
      const layout = await phone.evaluate(() => {
        const row = document.querySelector('table.jobs tbody tr')!
        const cell = row.querySelector('td')!
        return {
          row: getComputedStyle(row).display,
          label: getComputedStyle(cell, '::before').content,
          headHidden: (document.querySelector('table.jobs thead') as HTMLElement).getBoundingClientRect().height <= 1,
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        }
      })
      expect(layout).toEqual({ row: 'block', label: '"Type"', headHidden: true, overflow: 0 })
      await shot('phone-jobs.png', phone)
      await phone.evaluate(() => (location.hash = '#/jobs/flaky'))
      await phone.locator('table.runs tbody tr').first().waitFor({ timeout: SLOW })
      await phone.locator('.chart .uplot canvas').first().waitFor({ timeout: SLOW })
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      await shot('phone-job.png', phone)
    } finally {
      await phone.close()
    }
  })

  it('no script errors on the page', () => {
    expect(pageErrors).toEqual([])
  })

  it('serve stops promptly (exit 0) while pages hold event streams open', async () => {
    expect(await page.locator('#live-status').textContent()).toBe('Live')
    const exited = new Promise<number | null>((resolve) => serve.on('close', resolve))
    const started = Date.now()
    serve.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(serveOut).toContain('"msg":"stopped"')
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: SLOW }).toBe('Reconnecting…')
  })
})
