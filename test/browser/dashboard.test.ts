import type { ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, requireChromium, startServeHttp, syncPageClock } from '../helpers/browser.js'
import { ROOT, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { nextDailyFire, shownFireTime, wallTime } from '../helpers/clock.js'
import { waitFor } from '../helpers/servers.js'
import { PANEL_PLUGIN, linkPanelPlugin } from './panel-plugin.js'

const TOKEN = 'dashboard-token-0123456789abcdef'
const SHOTS = path.join(ROOT, 'test-output', 'dashboard')
/** Generous: the machine is shared and sometimes slow. Every wait ends as soon as its condition holds. */
const SLOW = 20_000

let box: Sandbox
let serve: ChildProcess
let serveOutput: () => string = () => ''
let base: string
let browser: Browser
let page: Page
const pageErrors: string[] = []
/** Requests the page made anywhere but serve (a CDN, a font service): there must be none. */
const foreignRequests: string[] = []
/** How long after serve recorded a change the page showed it (ms), reported at the end. */
const latencies: Array<{ what: string; ms: number }> = []
/** When the page last opened nightly's page: it redraws only on nightly's own events, so it may show what was true then. */
let nightlyOpened = 0

const api = async <T>(p: string): Promise<T> => (await (await fetch(`${base}${p}`)).json()) as T
type ApiJob = { job: string; paused: boolean; nextFire: string | null }
const apiJob = async (name: string) => (await api<{ jobs: ApiJob[] }>('/api/jobs')).jobs.find((j) => j.job === name)!
const shot = (name: string, p: Page = page) => p.screenshot({ path: path.join(SHOTS, name), fullPage: true })
const jobRow = (name: string, p: Page = page) => p.locator(`table.jobs tr[data-job="${name}"]`)
const goto = async (hash: string) => {
  // Navigating by the fragment, as the page's own links do: no reload.
  await page.evaluate((h) => (location.hash = h), hash)
  await page
    .locator('h1')
    .filter({ hasText: hash === '#/' ? 'Jobs' : decodeURIComponent(hash.slice('#/jobs/'.length)) })
    .waitFor({ timeout: SLOW })
}
/** Answers the token dialog the page opens. */
const giveToken = async (value: string) => {
  const dialog = page.locator('dialog.prompt[open]')
  await dialog.waitFor({ timeout: SLOW })
  await dialog.getByLabel('Token').fill(value)
  await dialog.getByRole('button', { name: 'Use token' }).click()
}
const newestRunId = () => page.locator('table.runs tbody tr').first().getAttribute('data-run', { timeout: SLOW })
type ApiRun = {
  id: string
  status: string
  trigger: string
  startedAt: string | null
  finishedAt: string | null
  output: { stdout?: string } | null
}
const apiRuns = async (job: string, limit = 5) =>
  (await api<{ runs: ApiRun[] }>(`/api/jobs/${job}/runs?limit=${limit}`)).runs
/** When (browser clock, ms) the page first showed run `id`, and first showed it with each status. */
const seen = (id: string) =>
  page.evaluate(
    (runId) => (window as unknown as { seenRuns: Record<string, Record<string, number>> }).seenRuns[runId] ?? null,
    id,
  )
/** Records how long after `since` (an instant serve wrote) the page showed it; serve and Chromium share this machine's clock. */
const measure = (what: string, shownAt: number, since: string) =>
  latencies.push({ what, ms: shownAt - Date.parse(since) })
const BERLIN = 'Europe/Berlin'
/**
 * nightly runs at 02:00 in Berlin, the hour Berlin's clocks change, unless that is less than half an hour
 * away: it stands for a scheduled job with no runs yet, so it must not fire while the tests run. Then 14:00.
 */
const NIGHTLY_AT = nextDailyFire('02:00', BERLIN, Date.now()) - Date.now() < 30 * 60_000 ? '14:00' : '02:00'
const NIGHTLY_CRON = `0 ${Number(NIGHTLY_AT.slice(0, 2))} * * *`
/** nightly's next fire after `t`: the next NIGHTLY_AT in Berlin, or the first minute after a spring-forward gap that swallowed it. */
const nightlyFire = (t: number) => nextDailyFire(NIGHTLY_AT, BERLIN, t)
// publicReads: this suite is about changes needing the token (reads needing it: test/security/browser-token-reads.test.ts).
const CONFIG = (port: number) =>
  tsConfig(`{
      timezone: 'UTC',
      serve: { http: { port: ${port}, publicReads: true }, token: env('CIRCADIAN_TOKEN'), shutdownGrace: '5s' },
      resources: { 'db:warehouse': { breaker: { failures: 1, halfOpenAfter: '1h' } } },
      jobs: {
        tick: { type: 'command', schedule: '* * * * * *', command: 'echo tick' },
        flaky: { type: 'command', schedule: '*/2 * * * * *', command: 'echo oops >&2; exit 1' },
        load: { type: 'command', schedule: '*/3 * * * * *', command: 'exit 1', resources: ['db:warehouse'] },
        report: { type: 'command', command: 'echo report done', description: 'Builds the weekly report' },
        leaky: { type: 'command', command: 'echo "connecting with $DASH_SECRET"; for i in $(seq 1200); do [ -e release ] && break; sleep 0.05; done; echo connected', env: { DASH_SECRET: env('DASH_SECRET') } },
        nightly: { type: 'command', schedule: '${NIGHTLY_CRON}', timezone: 'Europe/Berlin', command: 'true' },
        poll: { type: 'command', every: '5m', command: 'true' },
      },
    }`)
const DASH_SECRET = 'dash-secret-value-5f1c2e'

/**
 * Polls until `read()` equals what `expected(t)` says for an instant t at which the page may have drawn it:
 * `since` (an instant before it last could have) or now. The answer is a step function of the time (the date
 * is left out on the fire's own day; a day's fires change when one passes), so a page drawn just before a step
 * matches one and a page drawn just after matches the other, whenever the test runs.
 */
async function expectDrawn<T>(
  read: () => Promise<T>,
  expected: (t: number) => T | Promise<T>,
  since: number,
): Promise<void> {
  await expect
    .poll(
      async () => {
        const got = await read()
        const wants = [await expected(since), await expected(Date.now())]
        return { got, matches: wants.some((w) => JSON.stringify(w) === JSON.stringify(got)), wants }
      },
      { timeout: SLOW },
    )
    .toMatchObject({ matches: true })
}

/** A next-fire cell: the fire's time in `zone` (with its date unless it is on that day at `t`), then how far away it is. */
async function expectFireShown(
  cell: Locator,
  fire: (t: number) => number | Promise<number>,
  zone: string,
  since: number,
): Promise<void> {
  const timePart = async () => {
    const text = (await cell.textContent()) ?? ''
    const m = /^(.*) (in \d+ (d|h|min|s)( \d+ (h|min|s))?|now)$/.exec(text)
    return m ? m[1] : `not "<time> in <how long>": ${text}`
  }
  await expectDrawn(timePart, async (t) => shownFireTime(await fire(t), zone, t), since)
}
const JOBS = ['flaky', 'leaky', 'load', 'nightly', 'poll', 'report', 'tick']

beforeAll(async () => {
  requireChromium()
  mkdirSync(SHOTS, { recursive: true })
  box = sandbox()
  await linkPanelPlugin(box)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  box.write('circadian.config.ts', CONFIG(port))
  const started = await startServeHttp(box, { CIRCADIAN_TOKEN: TOKEN, DASH_SECRET }, SLOW)
  serve = started.child
  serveOutput = started.output
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await syncPageClock(page)
  page.on('pageerror', (err) => pageErrors.push(err.message))
  page.on('request', (req) => {
    if (!req.url().startsWith(`${base}/`) && !req.url().startsWith('data:')) foreignRequests.push(req.url())
  })
  await page.goto(base)
  await page.evaluate(() => {
    const w = window as unknown as { loadMarker: string; seenRuns: Record<string, Record<string, number>> }
    w.loadMarker = 'first load'
    // Notes when each run row first shows, and first shows each status: the test reads these to measure
    // how long the page took to show what serve recorded, without polling the page itself.
    w.seenRuns = {}
    const note = () => {
      const now = Date.now()
      for (const tr of document.querySelectorAll<HTMLElement>('table.runs tbody tr[data-run]')) {
        const runs = (w.seenRuns[tr.dataset.run!] ??= {})
        runs.row ??= now
        const status = /badge-(\w+)/.exec(tr.querySelector('.status .badge')?.className ?? '')?.[1]
        if (status) runs[status] ??= now
      }
    }
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true })
  })
}, 60_000)

afterAll(async () => {
  if (latencies.length)
    console.log(
      `dashboard live-update latencies (serve wrote → page showed):\n${latencies.map((l) => `  ${l.what}: ${l.ms} ms`).join('\n')}`,
    )
  await browser?.close()
  if (serve && serve.exitCode === null) serve.kill('SIGKILL')
  box?.cleanup()
})

describe('the dashboard, in headless Chromium against a real serve', () => {
  it('warns about a malformed panel at start and serves the page with its own script, styles and a strict CSP', async () => {
    expect(serveOutput()).toContain(
      `warning: plugin ${PANEL_PLUGIN}: a dashboard panel needs an id of letters, digits, "-" and "_"; it is not shown`,
    )
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
    await expect
      .poll(async () => Number(await jobRow('flaky').locator('.failures').textContent()), { timeout: SLOW })
      .toBeGreaterThan(0)
    await expect.poll(() => jobRow('tick').locator('.last-run').textContent(), { timeout: SLOW }).toContain('succeeded')
    expect(
      await page
        .locator('table.jobs tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')).sort()),
    ).toEqual(JOBS)

    const tick = jobRow('tick')
    expect(await tick.locator('.schedule-words').textContent()).toBe('every second')
    expect(await tick.locator('code.cron').textContent()).toBe('* * * * * *')
    const nightly = jobRow('nightly')
    expect(await nightly.locator('.schedule-words').textContent()).toBe(`at ${NIGHTLY_AT} every day`)
    expect(await nightly.locator('code.cron').textContent()).toBe(NIGHTLY_CRON)
    expect(await nightly.locator('td[data-label="Time zone"]').textContent()).toBe('Europe/Berlin')
    // The next 02:00 (or 14:00) in Berlin, in Berlin time (the date left out when that is today in Berlin), and how far away it is.
    await expectFireShown(nightly.locator('.next-fire'), nightlyFire, BERLIN, Date.now() - SLOW)
    expect(await nightly.locator('.paused').textContent()).toBe('no')
    expect(await jobRow('poll').locator('.schedule-words').textContent()).toBe('every 5 minutes')
    expect(await jobRow('report').locator('.schedule-words').textContent()).toBe('only when triggered')
    expect(await jobRow('report').locator('.next-fire').textContent()).toBe('not scheduled')
    expect(await jobRow('report').textContent()).toContain('Builds the weekly report')
    // Badges carry their status as text, not only as colour.
    expect(await jobRow('report').locator('.last-run .badge').textContent()).toContain('no runs yet')

    const health = page.locator('#health')
    await expect
      .poll(() => health.textContent(), { timeout: SLOW })
      .toMatch(/Instances: \S+ \(heartbeat \d+ s ago, this one\)/)
    expect(await health.textContent()).toMatch(/Dead letters: \d+.*Config: loaded/)
    expect(
      await page.$$eval('input, select', (els) =>
        els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id),
      ),
    ).toEqual([])
    await shot('jobs.png')
  })

  it('filters by text, type and status', async () => {
    const shown = () =>
      page.locator('table.jobs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')).sort())
    await page.getByLabel('Search').fill('nigh')
    await expect.poll(shown, { timeout: SLOW }).toEqual(['nightly'])
    expect(await page.locator('.count').textContent()).toBe(`1 of ${JOBS.length} jobs`)
    // Text matches the description and the schedule in words too.
    await page.getByLabel('Search').fill('weekly report')
    await expect.poll(shown, { timeout: SLOW }).toEqual(['report'])
    await page.getByLabel('Search').fill('every 5 min')
    await expect.poll(shown, { timeout: SLOW }).toEqual(['poll'])
    await page.getByLabel('Search').fill('')
    await page.getByLabel('Status').selectOption({ label: 'Last run failed' })
    await expect.poll(shown, { timeout: SLOW }).toContain('flaky')
    expect(await page.locator('table.jobs tbody tr .last-run').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('failed')]),
    )
    expect(
      (await page.locator('table.jobs tbody tr .last-run').allTextContents()).every((t) => t.includes('failed')),
    ).toBe(true)
    await page.getByLabel('Status').selectOption({ label: 'No runs yet' })
    await expect.poll(shown, { timeout: SLOW }).toEqual(expect.arrayContaining(['leaky', 'nightly', 'report']))
    expect(await shown()).not.toContain('tick')
    await page.getByLabel('Type').selectOption('command')
    await page.getByLabel('Status').selectOption({ label: 'Any status' })
    await expect.poll(shown, { timeout: SLOW }).toEqual(JOBS)
    // The page keeps the filters' state in the form: nothing is left filtered for the next tests.
    expect(await page.getByLabel('Type').inputValue()).toBe('command')
    await page.getByLabel('Type').selectOption('')
  })

  it('opens a job with the keyboard, and its runs appear live without a reload', async () => {
    await page.getByLabel('Search').focus()
    let onLink = false
    for (let i = 0; i < 40 && !onLink; i++) {
      await page.keyboard.press('Tab')
      onLink = await page.evaluate(() => document.activeElement?.getAttribute('data-focus-key') === 'job:tick')
    }
    expect(onLink).toBe(true)
    await page.keyboard.press('Enter')
    await page.locator('h1', { hasText: 'tick' }).waitFor({ timeout: SLOW })
    // The page moves focus to the new heading, so a screen reader starts there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), { timeout: SLOW }).toBe('H1')

    // Three runs that start after the page is open each show up on it, as running or already done.
    const before = await newestRunId()
    for (let i = 0; i < 3; i++) {
      const shownId = await newestRunId()
      const fresh = await waitFor(async () => {
        const runs = await apiRuns('tick', 1)
        return runs[0] && runs[0].id !== shownId && runs[0].id !== before && runs[0].startedAt ? runs[0] : undefined
      }, SLOW)
      await page.locator(`table.runs tr[data-run="${fresh.id}"]`).waitFor({ timeout: SLOW })
      const at = await seen(fresh.id)
      measure(`tick run ${i + 1} started → row shown`, at!.row, fresh.startedAt!)
    }
    expect(await page.evaluate(() => (window as unknown as { loadMarker?: string }).loadMarker)).toBe('first load')

    // A finished run: lateness, duration, attempts, trigger, summary, and its output behind a disclosure.
    const done = (await apiRuns('tick', 10)).find((r) => r.status === 'succeeded')!
    const row = page.locator(`table.runs tr[data-run="${done.id}"]`)
    await expect.poll(() => row.locator('.status').textContent(), { timeout: SLOW }).toContain('succeeded')
    expect(await row.locator('td[data-label="Trigger"]').textContent()).toBe('schedule')
    expect(await row.locator('td[data-label="Late by"]').textContent()).toMatch(/^[+−]\d/)
    expect(await row.locator('td[data-label="Duration"]').textContent()).toMatch(/^\d+(\.\d)? (ms|s)$/)
    expect(await row.locator('td[data-label="Attempts"]').textContent()).toBe('1')
    expect(await row.locator('td[data-label="Summary / error"]').textContent()).toBe('tick')
    await row.locator('summary').press('Enter')
    await expect.poll(() => row.locator('details').getAttribute('open'), { timeout: SLOW }).toBe('')
    expect(await row.locator('pre').textContent()).toBe('tick\n')
    // Live redraws keep an opened output open.
    const next = await waitFor(async () => {
      const runs = await apiRuns('tick', 1)
      return runs[0] &&
        runs[0].id !== done.id &&
        Date.parse(runs[0].startedAt ?? '') > Date.parse(done.startedAt!) + 1500
        ? runs[0]
        : undefined
    }, SLOW)
    await page.locator(`table.runs tr[data-run="${next.id}"]`).waitFor({ timeout: SLOW })
    expect(await row.locator('details').getAttribute('open')).toBe('')

    // uPlot draws the durations; the timeline lists the next day's fires, computed by serve.
    await page.locator('.chart .uplot canvas').first().waitFor({ timeout: SLOW })
    expect(await page.locator('.chart-summary').textContent()).toMatch(/^\d+ runs?: median \d+/)
    expect(await page.locator('.chart').getAttribute('aria-label')).toMatch(
      /^Chart of run durations\. \d+ runs?: median/,
    )
    // serve lists the first 1,500 fires (25 minutes of an every-second job): the words and the marks say so.
    expect(await page.locator('.timeline-summary').textContent()).toMatch(
      /^The first 1,500 fires in the next 24 hours, from .* up to .*; later fires are not computed here\.$/,
    )
    const marks = await page
      .locator('.timeline-mark')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-slot'))))
    expect(marks).toEqual([...Array(marks.length).keys()])
    expect(marks.length).toBeGreaterThanOrEqual(5)
    expect(marks.length).toBeLessThanOrEqual(7)
    expect(await page.locator('.fire-list li').count()).toBe(9)
    await shot('job-tick.png')
  })

  it('a failing job shows its error and stderr; the daily job its one fire on the timeline', async () => {
    await goto('#/jobs/flaky')
    const failed = page
      .locator('table.runs tbody tr')
      .filter({ has: page.locator('.badge-failed') })
      .first()
    await failed.waitFor({ timeout: SLOW })
    const id = (await failed.getAttribute('data-run'))!
    const row = page.locator(`table.runs tr[data-run="${id}"]`)
    expect(await row.locator('.status').textContent()).toContain('failed (exit-code)')
    expect(await row.locator('td[data-label="Summary / error"] .error-text').textContent()).toBe('exit code 1: oops')
    await row.locator('summary').click()
    // The output is read from serve when the disclosure opens.
    await row.locator('pre').waitFor({ timeout: SLOW })
    expect(await row.locator('.output-label').allTextContents()).toEqual(['stderr'])
    expect(await row.locator('pre').textContent()).toBe('oops\n')
    expect(await page.locator('.chart-summary').textContent()).toMatch(/\d+ failed\.$/)

    const opened = Date.now()
    await goto('#/jobs/nightly')
    // The fires of the next 24 hours: one, except on the days Berlin's clocks change (none or two).
    const timeline = async () => ({
      summary: await page.locator('.timeline-summary').textContent(),
      titles: await page.locator('.timeline-mark').evaluateAll((marks) => marks.map((m) => m.getAttribute('title'))),
    })
    const dayOfFires = (t: number) => {
      const fires: number[] = []
      for (let f = nightlyFire(t); f < t + 86_400_000; f = nightlyFire(f)) fires.push(f)
      const at = (f: number) => wallTime(f, BERLIN)
      const summary = !fires.length
        ? 'No fires in the next 24 hours.'
        : `${fires.length} fire${fires.length === 1 ? '' : 's'} in the next 24 hours, the first at ${at(fires[0])}${fires.length > 1 ? `, the last at ${at(fires.at(-1)!)}` : ''} (${BERLIN}).`
      return { summary, titles: fires.map(() => '1 fire') }
    }
    await expectDrawn(timeline, dayOfFires, opened)
    expect(await page.locator('.chart-summary').textContent()).toBe('No finished runs yet.')
    expect(await page.getByText('No runs recorded yet.').isVisible()).toBe(true)
  })

  it('runs triggered elsewhere (the CLI) appear live, running then done, their output redacted', async () => {
    // leaky runs until the test creates the file `release` (or for a minute at most): the page is seen with
    // the run under way, however slow the machine.
    const release = path.join(box.dir, 'release')
    const trigger = async () =>
      expect((await box.run(['trigger', 'leaky'], { env: { CIRCADIAN_TOKEN: TOKEN, DASH_SECRET } })).code).toBe(0)
    await goto('#/')
    await trigger()
    await expect.poll(() => jobRow('leaky').locator('.running').textContent(), { timeout: SLOW }).toBe('▶ running')
    await goto('#/jobs/leaky')
    await expect.poll(() => page.locator('dl.facts').textContent(), { timeout: SLOW }).toContain('Running now▶ running')
    const first = page.locator('table.runs tbody tr').first()
    await expect.poll(() => first.locator('.status').textContent(), { timeout: SLOW }).toContain('running')
    expect(await first.locator('td[data-label="Duration"]').textContent()).toBe('running…')
    const firstId = await first.getAttribute('data-run')
    writeFileSync(release, '')
    await expect.poll(() => first.locator('.status').textContent(), { timeout: SLOW }).toContain('succeeded')

    // Again with the job's page open: the new run shows up running, then succeeded, with no reload.
    rmSync(release)
    await trigger()
    const run = await waitFor(async () => {
      const [latest] = await apiRuns('leaky', 1)
      return latest && latest.id !== firstId && latest.startedAt ? latest : undefined
    }, SLOW)
    const row = page.locator(`table.runs tr[data-run="${run.id}"]`)
    await expect.poll(() => row.locator('.status').textContent(), { timeout: SLOW }).toContain('running')
    writeFileSync(release, '')
    await expect.poll(() => row.locator('.status').textContent(), { timeout: SLOW }).toContain('succeeded')
    const ended = (await apiRuns('leaky', 1))[0]
    expect(ended.id).toBe(run.id)
    const at = (await seen(run.id))!
    measure('leaky (CLI trigger) started → row shown running', at.running, run.startedAt!)
    measure('leaky ended → succeeded shown', at.succeeded, ended.finishedAt!)
    expect(await page.evaluate(() => (window as unknown as { loadMarker?: string }).loadMarker)).toBe('first load')

    expect(await row.locator('td[data-label="Trigger"]').textContent()).toBe('manual')
    expect(await row.locator('td[data-label="Late by"]').textContent()).toBe('—')
    expect(await row.locator('td[data-label="Duration"]').textContent()).toMatch(/^\d/)
    await row.locator('summary').click()
    expect(await row.locator('pre').textContent()).toBe('connecting with [redacted]\nconnected\n')
    expect(await page.content()).not.toContain(DASH_SECRET)
    await shot('job-leaky-redacted.png')
  })

  it('Trigger asks for the token once, keeps it for the tab, and the new runs appear', async () => {
    await page.evaluate(() => sessionStorage.clear())
    await goto('#/jobs/report')
    await page.getByRole('button', { name: 'Trigger now' }).click()
    await page.locator('dialog.prompt[open]').waitFor({ timeout: SLOW })
    // Focus moves into the dialog, on the token field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: SLOW }).toBe('prompt-input')
    expect(await page.locator('#prompt-input').getAttribute('type')).toBe('password')
    await shot('token-dialog.png')
    await giveToken(TOKEN)
    await expect
      .poll(() => page.locator('.notice-ok .notice-text').textContent(), { timeout: SLOW })
      .toMatch(/^Triggered report: run \w+/)
    const apiRows = () =>
      page
        .locator('table.runs tbody tr')
        .filter({ has: page.locator('td[data-label="Trigger"]', { hasText: /^api$/ }) })
    await expect.poll(() => apiRows().count(), { timeout: SLOW }).toBe(1)
    await expect
      .poll(() => apiRows().first().locator('.status').textContent(), { timeout: SLOW })
      .toContain('succeeded')
    expect(await apiRows().first().locator('td[data-label="Summary / error"]').textContent()).toBe('report done')

    // The second time, from the keyboard: no dialog, the token kept for the tab is used.
    await page.getByRole('button', { name: 'Trigger now' }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => apiRows().count(), { timeout: SLOW }).toBe(2)
    expect(await page.locator('dialog.prompt').count()).toBe(0)
    // Kept for this tab only, and never written into the page.
    expect(await page.evaluate(() => sessionStorage.getItem('circadian.token'))).toBe(TOKEN)
    expect(await page.content()).not.toContain(TOKEN)
    await shot('job-report-triggered.png')
  })

  it('a mutation without the token, or with a wrong one, is refused; cancelling sends nothing', async () => {
    await page.evaluate(() => sessionStorage.clear())
    nightlyOpened = Date.now()
    await goto('#/jobs/nightly')
    // Straight from the page's origin, without the token: serve refuses it.
    const bare = await page.evaluate(async () => {
      const res = await fetch('api/jobs/nightly/pause', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      return { status: res.status, body: (await res.json()) as { error: string } }
    })
    expect(bare).toEqual({
      status: 401,
      body: { error: 'a valid bearer token is required for this (Authorization: Bearer <serve.token>)' },
    })
    expect((await apiJob('nightly')).paused).toBe(false)

    await page.getByRole('button', { name: 'Pause' }).click()
    await giveToken('wrong-token-0000000000000000')
    const refusal = page.locator('.notice-error[role="alert"] .notice-text')
    await expect
      .poll(() => refusal.textContent(), { timeout: SLOW })
      .toContain('Pause nightly refused: a valid bearer token is required')
    expect(await page.evaluate(() => sessionStorage.getItem('circadian.token'))).toBeNull()
    expect((await apiJob('nightly')).paused).toBe(false)
    await shot('refused.png')

    await page.getByRole('button', { name: 'Pause' }).click()
    await page.locator('dialog.prompt[open]').waitFor({ timeout: SLOW })
    await page.keyboard.press('Escape')
    await expect.poll(() => refusal.textContent(), { timeout: SLOW }).toContain('cancelled, no token was given')
    // Focus returns to the button that opened the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), { timeout: SLOW }).toBe('Pause')
    expect((await apiJob('nightly')).paused).toBe(false)
  })

  it('pausing a job takes its next fire away, live; resuming brings it back', async () => {
    const nextFire = page.locator('dl.facts .next-fire')
    await expectFireShown(nextFire, nightlyFire, BERLIN, nightlyOpened)
    await page.getByRole('button', { name: 'Pause' }).click()
    await giveToken(TOKEN)
    await expect.poll(() => nextFire.textContent(), { timeout: SLOW }).toBe('— (paused)')
    await expect.poll(() => page.locator('.paused-note').isVisible(), { timeout: SLOW }).toBe(true)
    expect((await apiJob('nightly')).nextFire).toBeNull()
    await page.getByRole('link', { name: '← All jobs' }).click()
    await expect.poll(() => jobRow('nightly').locator('.next-fire').textContent(), { timeout: SLOW }).toBe('— paused')
    expect(await jobRow('nightly').locator('.paused').textContent()).toContain('paused (paused from the dashboard)')
    await shot('paused.png')

    // A pause made elsewhere (the CLI, through the store) reaches the open page too.
    expect(
      (await box.run(['pause', 'poll', '--reason', 'maintenance'], { env: { CIRCADIAN_TOKEN: TOKEN, DASH_SECRET } }))
        .code,
    ).toBe(0)
    await expect.poll(() => jobRow('poll').locator('.next-fire').textContent(), { timeout: SLOW }).toBe('— paused')
    expect(await jobRow('poll').locator('.paused').textContent()).toContain('paused (maintenance)')

    await goto('#/jobs/nightly')
    const resumed = Date.now()
    await page.getByRole('button', { name: 'Resume' }).click()
    await expectFireShown(page.locator('dl.facts .next-fire'), nightlyFire, BERLIN, resumed)
    expect((await apiJob('nightly')).paused).toBe(false)
    expect((await box.run(['resume', 'poll'], { env: { CIRCADIAN_TOKEN: TOKEN, DASH_SECRET } })).code).toBe(0)
    const listed = Date.now()
    await goto('#/')
    // Every 5 minutes in UTC: the time alone, or with the date when the next fire is after midnight UTC.
    await expectFireShown(
      jobRow('poll').locator('.next-fire'),
      async () => Date.parse((await apiJob('poll')).nextFire!),
      'UTC',
      listed,
    )
  })

  it('the health strip shows the open breaker and dead letters, and a rejected config change until it is fixed', async () => {
    const health = page.locator('#health')
    await expect.poll(() => health.textContent(), { timeout: SLOW }).toContain('Open breakers: db:warehouse (open)')
    expect(await health.textContent()).toMatch(/degraded/)
    const deadLetters = Number(/Dead letters: (\d+)/.exec((await health.textContent())!)?.[1])
    expect(deadLetters).toBeGreaterThan(0)
    await health.getByText('Why degraded').click()
    expect(await health.locator('.health-reasons li').allTextContents()).toContain('circuit open: db:warehouse (open)')

    // A broken edit of the config: serve keeps the previous one, and the strip says so.
    const original = CONFIG(Number(new URL(base).port))
    box.write('circadian.config.ts', original.replace(`schedule: '${NIGHTLY_CRON}'`, "schedule: '0 25 * * *'"))
    const config = health.locator('.health-item').filter({ hasText: 'Config:' })
    await expect
      .poll(() => config.textContent(), { timeout: SLOW })
      .toBe('Config: change rejected, still running the previous one')
    await health.getByText('Why the config change was rejected').click()
    expect(await health.locator('.reload-error pre').textContent()).toContain('jobs.nightly.schedule')
    // Opened details stay open while the strip is redrawn (it is, every few seconds).
    await page.evaluate(
      () =>
        ((document.querySelector('#health .reload-error') as HTMLElement & { drawnBefore?: boolean }).drawnBefore =
          true),
    )
    await page.waitForFunction(
      () => {
        const details = document.querySelector<HTMLDetailsElement & { drawnBefore?: boolean }>('#health .reload-error')
        return details !== null && !details.drawnBefore
      },
      null,
      { timeout: SLOW },
    )
    expect(await health.locator('.reload-error').getAttribute('open')).toBe('')
    await shot('health-rejected.png')

    box.write('circadian.config.ts', original)
    await expect.poll(() => config.textContent(), { timeout: SLOW }).toBe('Config: loaded')
    expect(await health.locator('.reload-error').count()).toBe(0)
  })

  it("renders a plugin's panels; an action asks for its input, runs with the token and updates the row", async () => {
    const panel = page.locator('section[data-panel="test-acks"]')
    await panel.locator('tr[data-key="report"]').waitFor({ timeout: SLOW })
    expect(await panel.locator('h2').textContent()).toBe('Acknowledgements')
    expect(await panel.locator('thead th').allTextContents()).toEqual([
      'job',
      'lastStatus',
      'acknowledged',
      'note',
      'Actions',
    ])
    expect(await panel.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(
      JOBS,
    )
    const report = panel.locator('tr[data-key="report"]')
    await expect
      .poll(() => report.locator('td[data-label="lastStatus"]').textContent(), { timeout: SLOW })
      .toBe('succeeded')
    expect(await page.locator('section[data-panel="test-broken"] [role="alert"]').textContent()).toBe(
      'This panel failed: cannot reach the alert store',
    )

    await report.getByRole('button', { name: 'Acknowledge report' }).click()
    const dialog = page.locator('dialog.prompt[open]')
    await dialog.getByLabel('Note').fill('looked at it')
    await dialog.getByRole('button', { name: 'Acknowledge' }).click()
    await expect
      .poll(() => page.locator('.notice-ok .notice-text').textContent(), { timeout: SLOW })
      .toBe('report acknowledged')
    await expect
      .poll(() => report.locator('td[data-label="acknowledged"]').textContent(), { timeout: SLOW })
      .toBe('yes')
    expect(await report.locator('td[data-label="note"]').textContent()).toBe('looked at it')
    await shot('panel.png')

    await report.getByRole('button', { name: 'Clear report' }).click()
    await expect.poll(() => report.locator('td[data-label="acknowledged"]').textContent(), { timeout: SLOW }).toBe('no')

    // The action endpoint is guarded like the API's mutations.
    const refused = await fetch(`${base}/api/dashboard/panels/test-acks/actions/clear`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'report' }),
    })
    expect(refused.status).toBe(401)
  })

  it('at phone width, tables become cards and nothing scrolls sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    await syncPageClock(phone)
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
      // Text stays readable: nothing under 12 px, and the buttons are big enough to tap.
      const smallest = await phone.evaluate(() =>
        Math.min(
          ...[...document.querySelectorAll('main *')]
            .filter(
              (e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()),
            )
            .map((e) => parseFloat(getComputedStyle(e).fontSize)),
        ),
      )
      expect(smallest).toBeGreaterThanOrEqual(12)
      await shot('phone-jobs.png', phone)
      await phone.evaluate(() => (location.hash = '#/jobs/flaky'))
      await phone.locator('table.runs tbody tr').first().waitFor({ timeout: SLOW })
      await phone.locator('.chart .uplot canvas').first().waitFor({ timeout: SLOW })
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0)
      // Measured in one go inside the page: live redraws replace the buttons, and a detached one measures 0.
      const buttons = await phone.evaluate(() =>
        [...document.querySelectorAll('.job-actions button')].map((e) => e.getBoundingClientRect().height),
      )
      expect(buttons).toHaveLength(2)
      expect(Math.min(...buttons)).toBeGreaterThanOrEqual(36)
      await shot('phone-job.png', phone)
    } finally {
      await phone.close()
    }
  })

  it('no script errors on the page, and nothing loaded from anywhere but serve', () => {
    expect(pageErrors).toEqual([])
    expect(foreignRequests).toEqual([])
  })

  it('serve stops (exit 0) while pages hold event streams open, and the page says it is reconnecting', async () => {
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: SLOW }).toBe('Live')
    const exited = new Promise<number | null>((resolve) => serve.on('close', resolve))
    const started = Date.now()
    serve.kill('SIGTERM')
    // An event stream holding the HTTP server open would keep serve from ever exiting: it must exit, and
    // (generously) well within the test's time; the time it took is reported.
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 45_000)),
    ])
    expect(code).toBe(0)
    latencies.push({ what: 'SIGTERM → serve exited', ms: Date.now() - started })
    expect(serveOutput()).toContain('"msg":"stopped"')
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: SLOW }).toBe('Reconnecting…')
  }, 60_000)
})
