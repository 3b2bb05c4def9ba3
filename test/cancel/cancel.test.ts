import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { alive, startServe, until } from '../helpers/serve-child.js'

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

const rows = (sql: string, ...params: unknown[]) => {
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
  try {
    return d.prepare(sql).all(...params) as Array<Record<string, unknown>>
  } finally {
    d.close()
  }
}

/** A long job with a child process (its pid in child.pid); retries would be allowed. */
const LONG = `echo attempt >> attempts.log; sleep 300 & echo $! > child.pid; wait`

async function serveLong(port: number, token = 'tok-Secret-77-abcdefgh') {
  box.env.CIRCADIAN_TOKEN = token
  box.write(
    'circadian.config.ts',
    tsConfig(
      `{ serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN') }, jobs: { long: { type: 'command', command: '${LONG}', retry: { attempts: 3, delay: '100ms' } } } }`,
    ),
  )
  const s = startServe(box, [], children)
  await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('HTTP on'))
  expect((await box.run(['trigger', 'long'])).code).toBe(0)
  await s.waitFor((l) => l.job === 'long' && l.msg === 'run started')
  await until(
    () => {
      try {
        return readFileSync(path.join(box.dir, 'child.pid'), 'utf8').trim().length > 0
      } catch {
        return false
      }
    },
    10_000,
    'the child to start',
  )
  return { s, child: Number(readFileSync(path.join(box.dir, 'child.pid'), 'utf8')) }
}

describe('circadian cancel', () => {
  it('cancels a job’s running run from the CLI: tree stopped, interrupted/cancelled with the reason, no retry', async () => {
    const port = await freePort()
    const { child } = await serveLong(port)
    expect(alive(child)).toBe(true)
    const t = Date.now()
    const result = await box.run(['cancel', 'long', '--reason', 'wrong input tok-Secret-77-abcdefgh', '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(Date.now() - t).toBeLessThan(10_000)
    const out = JSON.parse(result.stdout)
    expect(out.runs).toEqual([expect.objectContaining({ job: 'long', status: 'interrupted', reason: 'cancelled' })])
    await until(() => !alive(child), 5000, 'the child process to be gone')
    const [run] = rows(`select status, reason, error, attempts from runs where job = 'long'`)
    expect(run).toMatchObject({ status: 'interrupted', reason: 'cancelled', attempts: 1 })
    expect(run.error).toMatch(/^cancelled by cli:.+: wrong input/)
    expect(JSON.stringify(rows('select * from runs'))).not.toContain('tok-Secret-77-abcdefgh')
    await new Promise((r) => setTimeout(r, 1500))
    expect(readFileSync(path.join(box.dir, 'attempts.log'), 'utf8').trim().split('\n')).toHaveLength(1)
    expect(rows(`select count(*) as n from runs`)[0].n).toBe(1)
  }, 60_000)

  it('nothing to cancel: exit 2 with a clear message', async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { idle: { type: 'command', command: 'true' } } }`))
    const result = await box.run(['cancel', 'idle'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('job "idle" has no running run')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('POST /api/runs/:id/cancel needs the token, then stops the run', async () => {
    const port = await freePort()
    const { child } = await serveLong(port)
    const [{ id }] = rows(`select id from runs where job = 'long'`)
    const url = `http://127.0.0.1:${port}/api/runs/${id}/cancel`
    const denied = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x' }),
    })
    expect(denied.status).toBe(401)
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer tok-Secret-77-abcdefgh' },
      body: JSON.stringify({ reason: 'from the API' }),
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ id, status: 'interrupted', reason: 'cancelled', cancelled: true })
    await until(() => !alive(child), 5000, 'the child process to be gone')
    expect(rows(`select error from runs where id = ?`, id)[0].error).toBe('cancelled by api: from the API')
    const again = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer tok-Secret-77-abcdefgh' },
      body: '{}',
    })
    expect(again.status).toBe(409)
  }, 60_000)
})
