import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, requireChromium, startServeHttp } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { waitFor } from '../helpers/servers.js'

/**
 * The dashboard's details a newcomer trips over (issue 23, items 14-15) and its "Why?" (issue 24), in
 * headless Chromium against a real serve whose reads need the token.
 */
const TOKEN = 'details-token-0123456789abcdef'
const SLOW = 20_000

let box: Sandbox
let serve: ChildProcess
let base: string
let browser: Browser
let page: Page
const pageErrors: string[] = []

const api = async <T>(p: string): Promise<T> =>
  (await (await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T
type Step = { step: string; verdict: string; detail: string }
type Run = { id: string; status: string; reason: string | null; scheduledFor: string | null }
const goto = async (hash: string, title: string) => {
  await page.evaluate((h) => (location.hash = h), hash)
  await page.locator('h1').filter({ hasText: title }).waitFor({ timeout: SLOW })
}
/** The steps a "Why?" disclosure lists, in the page's words: "FAIL paused: …". */
const shownSteps = (why: ReturnType<Page['locator']>) => why.locator('ol.why-steps li').allTextContents()
const asShown = (steps: Step[]) => steps.map((s) => `${s.verdict.toUpperCase()} ${s.step}: ${s.detail}`)

beforeAll(async () => {
  requireChromium()
  box = sandbox()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  box.write(
    'circadian.config.ts',
    tsConfig(`{
      timezone: 'UTC',
      serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN'), shutdownGrace: '2s' },
      jobs: {
        held: { type: 'command', schedule: '* * * * * *', command: 'true' },
        five: { type: 'command', schedule: '*/5 * * * * *', command: 'true' },
        nightly: { type: 'command', schedule: '0 2 * * *', timezone: 'Europe/Berlin', command: 'true' },
      },
    }`),
  )
  const paused = await box.run(['pause', 'held', '--reason', 'warehouse migration'], {
    env: { CIRCADIAN_TOKEN: TOKEN },
  })
  expect(paused.code, paused.stderr).toBe(0)
  serve = (await startServeHttp(box, { CIRCADIAN_TOKEN: TOKEN }, SLOW)).child
  browser = await launchChromium()
  // A common laptop screen: the width the search placeholder was cut off at.
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
  page.on('pageerror', (err) => pageErrors.push(err.message))
  await page.goto(base)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (serve && serve.exitCode === null) serve.kill('SIGKILL')
  box?.cleanup()
})

describe('dashboard details, in headless Chromium against a real serve', () => {
  it('the token dialog: Enter in the field submits the token (not Cancel), and the page reads with it', async () => {
    const dialog = page.locator('dialog.prompt[open]')
    await dialog.waitFor({ timeout: SLOW })
    await dialog.getByLabel('Token').fill(TOKEN)
    await page.keyboard.press('Enter')
    await page.locator('table.jobs tr[data-job="five"]').waitFor({ timeout: SLOW })
    expect(await page.evaluate(() => sessionStorage.getItem('circadian.token'))).toBe(TOKEN)
    expect(await page.locator('dialog.prompt').count()).toBe(0)
  })

  it('the search placeholder fits its field at 1366 px', async () => {
    const field = page.getByLabel('Search')
    const fit = await field.evaluate((input: HTMLInputElement) => {
      const style = getComputedStyle(input)
      const ctx = document.createElement('canvas').getContext('2d')!
      ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
      const text = ctx.measureText(input.placeholder).width
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      return { text, room, placeholder: input.placeholder }
    })
    expect(fit.placeholder).toBe('name, schedule, description…')
    expect(fit.text).toBeLessThanOrEqual(fit.room)
  })

  it('no Alerts panel when the config has no sql-alert jobs', async () => {
    const meta = await api<{ panels: Array<{ id: string; shown: boolean }> }>('/api/dashboard/meta')
    expect(meta.panels.find((p) => p.id === 'sql-alerts')).toMatchObject({ shown: false })
    await page.locator('table.jobs tr[data-job="held"]').waitFor({ timeout: SLOW })
    expect(await page.locator('section.panel[data-panel="sql-alerts"]').isVisible()).toBe(false)
    expect(await page.getByText('Nothing to show.').count()).toBe(0)
  })

  it('"Next 24 hours" of a 5-second job says what serve computed, and marks only those slots', async () => {
    await goto('#/jobs/five', 'five')
    const detail = await api<{ timeline: { fires: string[]; truncated: boolean; from: string } }>(
      '/api/dashboard/jobs/five',
    )
    expect(detail.timeline.truncated).toBe(true)
    const last = detail.timeline.fires.at(-1)!
    const summary = page.locator('.timeline-summary')
    await expect
      .poll(() => summary.textContent(), { timeout: SLOW })
      .toMatch(
        /^The first 1,500 fires in the next 24 hours, from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d up to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\); later fires are not computed here\.$/,
      )
    const upTo = /up to (\S+ \S+)/.exec((await summary.textContent())!)![1]
    // The page may have read the timeline a moment before or after the test did: within a few seconds.
    expect(Math.abs(Date.parse(`${upTo.replace(' ', 'T')}Z`) - Date.parse(last))).toBeLessThanOrEqual(10_000)
    // 1,500 fires five seconds apart: about 125 minutes, 25 or 26 five-minute slots of the day's 288, all marked.
    const marks = await page
      .locator('.timeline-mark')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-slot'))))
    const lastSlot = Math.floor((Date.parse(upTo.replace(' ', 'T') + 'Z') - Date.parse(detail.timeline.from)) / 300_000)
    expect(marks.length).toBeGreaterThanOrEqual(25)
    expect(marks.length).toBeLessThanOrEqual(27)
    expect(Math.max(...marks)).toBeLessThanOrEqual(lastSlot + 1)
    expect(marks).toEqual([...Array(marks.length).keys()])
  })

  it('the chart legend shows the latest run before anything is hovered, and again after', async () => {
    await page.locator('.chart .uplot canvas').first().waitFor({ timeout: SLOW })
    const legend = () => page.locator('.chart .u-legend').textContent()
    await expect.poll(legend, { timeout: SLOW }).not.toContain('--')
    // The job's first run may still be going when the page opens: once one has finished, it is in the legend.
    await expect.poll(legend, { timeout: SLOW }).toMatch(/Started\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)
    expect(await legend()).not.toMatch(/Duration\s*—/)
    const runs = (
      await api<{ runs: Array<{ startedAt: string | null; status: string }> }>('/api/jobs/five/runs?limit=1')
    ).runs
    expect(runs.length).toBe(1)
    expect(await legend()).toMatch(/Started\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)
    const box = (await page.locator('.chart .u-over').boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.move(box.x - 40, box.y - 40)
    await expect.poll(legend, { timeout: SLOW }).not.toContain('--')
  })

  it('"Why?" on a paused skip and on the next fire shows the same steps as the API', async () => {
    await goto('#/jobs/held', 'held')
    const skipped = await waitFor(
      async () => (await api<{ runs: Run[] }>('/api/jobs/held/runs?limit=5')).runs.find((r) => r.status === 'skipped'),
      SLOW,
    )
    expect(skipped.reason).toBe('paused')
    const row = page.locator(`table.runs tr[data-run="${skipped.id}"]`)
    await row.waitFor({ timeout: SLOW })
    await row.locator('details.why summary').click()
    const expected = asShown((await api<{ steps: Step[] }>(`/api/runs/${skipped.id}/explain`)).steps)
    expect(expected.some((s) => s.startsWith('FAIL paused:') && s.includes('warehouse migration'))).toBe(true)
    await expect.poll(() => shownSteps(row.locator('details.why')), { timeout: SLOW }).toEqual(expected)

    // The next fire, of a job whose page is not redrawn by runs while the test reads it.
    await goto('#/jobs/nightly', 'nightly')
    const why = page.locator('.facts details.why')
    await why.locator('summary').click()
    await expect.poll(async () => (await shownSteps(why)).length, { timeout: SLOW }).toBeGreaterThan(1)
    const { job } = await api<{ job: { nextFire: string } }>('/api/dashboard/jobs/nightly')
    const fromApi = asShown(
      (await api<{ steps: Step[] }>(`/api/jobs/nightly/explain?at=${encodeURIComponent(job.nextFire)}`)).steps,
    )
    expect(await shownSteps(why)).toEqual(fromApi)
    expect(fromApi.some((s) => s.startsWith('PASS occurrence:'))).toBe(true)

    // A live redraw (a run of this job) keeps the opened "Why?" open, with the same steps.
    const triggered = await fetch(`${base}/api/jobs/nightly/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(triggered.status).toBe(202)
    await page.locator('table.runs tr[data-run]').first().waitFor({ timeout: SLOW })
    expect(await why.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true)
    await expect.poll(() => shownSteps(why), { timeout: SLOW }).toEqual(fromApi)
  })

  it('no script errors on the page', () => {
    expect(pageErrors).toEqual([])
  })
})
