import type { ChildProcess } from 'node:child_process'
import { renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { startServe, until } from '../helpers/serve-child.js'

let box: Sandbox
const children: ChildProcess[] = []
beforeEach(() => {
  box = sandbox()
})
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  children.length = 0
  box.cleanup()
})

const get = async (url: string) => {
  const res = await fetch(url)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function serveEverySecond() {
  const port = await freePort()
  box.write(
    'circadian.config.ts',
    tsConfig(
      `{ serve: { http: { port: ${port} } }, jobs: { tick: { type: 'command', schedule: '* * * * * *', command: 'true' } } }`,
    ),
  )
  const s = startServe(box, [], children)
  await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('HTTP on'))
  await s.waitFor((l) => l.job === 'tick' && l.msg === 'run succeeded')
  return {
    s,
    base: `http://127.0.0.1:${port}`,
    started: () => s.lines.filter((l) => l.job === 'tick' && l.msg === 'run started').length,
  }
}

describe('the SQLite state file removed or replaced while serve runs', () => {
  it('deleted: within 5 s /health/ready is 503 and /health degraded with the reason, and nothing fires any more', async () => {
    const { s, base, started } = await serveEverySecond()
    expect((await get(`${base}/health/ready`)).status).toBe(200)
    const file = path.join(box.dir, '.circadian', 'state.db')
    rmSync(file)
    const t = Date.now()
    await until(async () => (await get(`${base}/health/ready`)).status === 503, 5000, '/health/ready to turn 503')
    expect(Date.now() - t).toBeLessThan(5000)
    const ready = await get(`${base}/health/ready`)
    expect(ready.body).toMatchObject({
      ok: false,
      checks: { stateFile: expect.stringContaining(`the state file ${file} was removed`) },
    })
    const health = await get(`${base}/health`)
    expect(health.body.status).toBe('degraded')
    expect((health.body.reasons as string[]).join('\n')).toContain('was removed while serve runs')
    await s.waitFor((l) => typeof l.msg === 'string' && l.msg.includes('was removed while serve runs'))
    // One fire may already be on its way when the check runs; after that, none.
    await new Promise((r) => setTimeout(r, 1500))
    const before = started()
    await new Promise((r) => setTimeout(r, 3000))
    expect(started()).toBe(before)
  }, 60_000)

  it('moved away and back (the same file): ready again and firing again', async () => {
    const { s, base, started } = await serveEverySecond()
    const file = path.join(box.dir, '.circadian', 'state.db')
    renameSync(file, `${file}.away`)
    await until(async () => (await get(`${base}/health/ready`)).status === 503, 5000, '/health/ready to turn 503')
    renameSync(`${file}.away`, file)
    await until(async () => (await get(`${base}/health/ready`)).status === 200, 5000, '/health/ready to turn 200 again')
    await s.waitFor((l) => l.msg === 'the state file is back; firing again')
    const before = started()
    await until(() => started() > before, 10_000, 'a fire after the file came back')
  }, 60_000)

  it('replaced by another file: not ready, saying so', async () => {
    const { base } = await serveEverySecond()
    const file = path.join(box.dir, '.circadian', 'state.db')
    rmSync(file)
    box.write('.circadian/state.db', '')
    await until(async () => (await get(`${base}/health/ready`)).status === 503, 5000, '/health/ready to turn 503')
    expect(((await get(`${base}/health/ready`)).body.checks as Record<string, string>).stateFile).toContain(
      'was replaced by another file',
    )
  }, 60_000)
})
