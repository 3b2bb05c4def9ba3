import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, launchChromium, requireChromium } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { alive, startServe, until } from '../helpers/serve-child.js'

/** The dashboard's Cancel on a running run (issue 20 §3), in headless Chromium against a real serve. */
const TOKEN = 'cancel-token-0123456789abcdef'
const SLOW = 20_000
/** A long job with a child process (its pid in child.pid); retries would be allowed, and must not happen. */
const LONG = `echo attempt >> attempts.log; sleep 300 & echo $! > child.pid; wait`

let box: Sandbox
const children: ChildProcess[] = []
let browser: Browser
let page: Page
let port: number
const pageErrors: string[] = []

const rows = (sql: string, ...params: unknown[]) => {
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
  try {
    return d.prepare(sql).all(...params) as Array<Record<string, unknown>>
  } finally {
    d.close()
  }
}

beforeAll(async () => {
  requireChromium()
  box = sandbox()
  port = await freePort()
  box.env.CIRCADIAN_TOKEN = TOKEN
  // publicReads: the page reads without the token, so the only token dialog is the one Cancel opens.
  box.write(
    'circadian.config.ts',
    tsConfig(`{ timezone: 'UTC', serve: { http: { port: ${port}, publicReads: true }, token: env('CIRCADIAN_TOKEN'), shutdownGrace: '2s' },
      jobs: { long: { type: 'command', command: '${LONG}', retry: { attempts: 3, delay: '100ms' } } } }`),
  )
  const s = startServe(box, [], children)
  await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('HTTP on'))
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } })
  page.on('pageerror', (err) => pageErrors.push(err.message))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  box?.cleanup()
})

describe('the Cancel button on a running run', () => {
  it('asks for a reason and the token, stops the process tree, and the row turns interrupted (cancelled) live', async () => {
    expect((await box.run(['trigger', 'long'])).code).toBe(0)
    await until(
      () => {
        try {
          return readFileSync(path.join(box.dir, 'child.pid'), 'utf8').trim().length > 0
        } catch {
          return false
        }
      },
      SLOW,
      'the child to start',
    )
    const child = Number(readFileSync(path.join(box.dir, 'child.pid'), 'utf8'))
    const [{ id }] = rows(`select id from runs where job = 'long'`)
    await page.goto(`http://127.0.0.1:${port}/#/jobs/long`)
    const row = page.locator(`table.runs tr[data-run="${id}"]`)
    await row.locator('.badge-running').waitFor({ timeout: SLOW })
    // The job's facts offer it too, for the run in progress.
    expect(await page.locator('.facts button[data-action="cancel"]').count()).toBe(1)

    // Cancelling the reason dialog sends nothing.
    await row.getByRole('button', { name: /Cancel/ }).click()
    const dialog = page.locator('dialog.prompt[open]')
    await dialog.waitFor({ timeout: SLOW })
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click()
    await page.waitForTimeout(500)
    expect(alive(child)).toBe(true)
    expect(rows(`select cancel_requested_at from runs where id = ?`, id)[0].cancel_requested_at).toBeNull()

    await row.getByRole('button', { name: /Cancel/ }).click()
    await dialog.waitFor({ timeout: SLOW })
    expect(await dialog.locator('h2').textContent()).toBe('Cancel run of long')
    await dialog.getByLabel('Reason (optional)').fill('wrong input file')
    await dialog.getByRole('button', { name: 'Cancel run' }).click()
    // Then the token, the way Trigger and Pause ask for it.
    await dialog.getByLabel('Token').waitFor({ timeout: SLOW })
    await dialog.getByLabel('Token').fill(TOKEN)
    await dialog.getByRole('button', { name: 'Use token' }).click()

    await expect
      .poll(() => page.locator('.notice-ok .notice-text').textContent(), { timeout: SLOW })
      .toBe(`Run ${id} of long was cancelled: it ended interrupted (cancelled).`)
    await row.locator('.badge-interrupted').waitFor({ timeout: SLOW })
    expect(await row.locator('td.status').textContent()).toContain('cancelled')
    expect(await row.locator('button[data-action="cancel"]').count()).toBe(0)
    await until(() => !alive(child), 5000, 'the child process to be gone')
    const [run] = rows(`select status, reason, error, attempts from runs where id = ?`, id)
    expect(run).toMatchObject({
      status: 'interrupted',
      reason: 'cancelled',
      attempts: 1,
      error: 'cancelled by api: wrong input file',
    })
    await page.waitForTimeout(1000)
    expect(readFileSync(path.join(box.dir, 'attempts.log'), 'utf8').trim().split('\n')).toHaveLength(1)
    expect(pageErrors).toEqual([])
  }, 90_000)
})
