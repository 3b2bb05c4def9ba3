import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, requireChromium } from '../helpers/browser.js'
import { type RunningServe, call, startServe } from './serve-http.js'

// serve with no token on loopback, and a page on another origin (another port) in the operator's browser.
let serve: RunningServe
let attacker: http.Server
let attackerBase: string
let browser: Browser

const attackPage = (target: string) => `<!doctype html><meta charset="utf-8"><title>cute cats</title>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="POST" enctype="text/plain" target="sink" action="${target}/api/jobs/tick/pause"><input name='{"reason":"' value='evil"}'></form>
<script>
  const done = []
  const note = (what) => { done.push(what); document.title = done.join(',') }
  fetch('${target}/api/jobs/report/trigger', { mode: 'no-cors', method: 'POST', body: 'x' }).then(() => note('no-cors'), () => note('no-cors'))
  fetch('${target}/api/jobs/report/trigger', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(() => note('cors'), () => note('cors'))
  fetch('${target}/api/jobs').then((r) => r.text()).then((t) => note('read:' + t.length), () => note('read-blocked'))
  document.querySelector('iframe').addEventListener('load', () => note('form'))
  document.getElementById('f').submit()
</script>`

beforeAll(async () => {
  requireChromium()
  serve = await startServe(
    (port) =>
      `{ serve: { http: { port: ${port} } }, jobs: { report: { type: 'command', command: 'echo built' }, tick: { type: 'command', schedule: '0 * * * *', command: 'true' } } }`,
  )
  attacker = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackPage(serve.base)),
  )
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()))
  attackerBase = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`
  // attacker.test resolves to 127.0.0.1 in this browser: the state a DNS-rebinding attack reaches.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP attacker.test 127.0.0.1',
    ],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  attacker?.close()
  serve?.stop()
})

describe('a hostile page in the operator browser', () => {
  it('a no-cors fetch POST and a text/plain form POST from another origin trigger and pause nothing', async () => {
    const page = await browser.newPage()
    await page.goto(attackerBase)
    await expect.poll(() => page.title(), { timeout: 20_000 }).toMatch(/(?=.*no-cors)(?=.*form)(?=.*cors)(?=.*read)/)
    // The page cannot read serve's answers either (no CORS headers): its read was blocked.
    expect(await page.title()).toContain('read-blocked')
    await new Promise((r) => setTimeout(r, 1000))
    const runs = (await call(serve.base, '/api/jobs/report/runs')).body as { runs: unknown[] }
    expect(runs.runs).toEqual([])
    const jobs = (await call(serve.base, '/api/jobs')).body as { jobs: Array<{ job: string; paused: boolean }> }
    expect(jobs.jobs.find((j) => j.job === 'tick')!.paused).toBe(false)
    await page.close()
  })

  it('a rebinding name (attacker.test → 127.0.0.1) gets 421 for the page and the API, with no data', async () => {
    const page = await browser.newPage()
    for (const p of ['/', '/api/jobs', '/api/jobs/report/runs']) {
      const res = await page.goto(`http://attacker.test:${serve.port}${p}`)
      expect(res?.status(), p).toBe(421)
      expect(await res?.text()).not.toContain('report')
    }
    // From a page at the rebinding origin, a same-origin change is refused the same way.
    const status = await page.evaluate(
      async () =>
        (
          await fetch('/api/jobs/report/trigger', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          })
        ).status,
    )
    expect(status).toBe(421)
    expect(((await call(serve.base, '/api/jobs/report/runs')).body as { runs: unknown[] }).runs).toEqual([])
    await page.close()
  })
})
