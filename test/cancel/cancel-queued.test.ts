import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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

/** Each attempt appends a line to attempts.log, then waits on a child process. */
const LONG = `echo attempt >> attempts.log; sleep 300 & echo $! > child.pid; wait`

describe('cancelling a queued run', () => {
  it('ends it interrupted (cancelled) without ever starting it; the running one goes on', async () => {
    // One slot: the second trigger waits (queued) for the first.
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ maxConcurrent: 1, jobs: { long: { type: 'command', command: '${LONG}', overlap: 'queue', retry: { attempts: 3, delay: '100ms' } } } }`,
      ),
    )
    const s = startServe(box, [], children)
    expect((await box.run(['trigger', 'long'])).code).toBe(0)
    await s.waitFor((l) => l.job === 'long' && l.msg === 'run started')
    expect((await box.run(['trigger', 'long'])).code).toBe(0)
    await until(
      () => rows(`select id from runs where status = 'queued'`).length === 1,
      10_000,
      'the second run to be queued',
    )
    const [{ id: queued }] = rows(`select id from runs where status = 'queued'`)
    const [{ id: running }] = rows(`select id from runs where status = 'running'`)

    const result = await box.run(['cancel', String(queued), '--reason', 'not needed today', '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).runs).toEqual([
      expect.objectContaining({ id: queued, status: 'interrupted', reason: 'cancelled' }),
    ])
    const [ended] = rows(`select status, reason, error, attempts, started_at from runs where id = ?`, queued)
    expect(ended).toMatchObject({ status: 'interrupted', reason: 'cancelled', attempts: 0, started_at: null })
    expect(ended.error).toMatch(/^cancelled by cli:.+: not needed today$/)
    expect(rows(`select count(*) as n from run_attempts where run_id = ?`, queued)[0].n).toBe(0)

    // The running run is untouched; when it is cancelled too, the cancelled queued run does not start in its place.
    const child = Number(readFileSync(path.join(box.dir, 'child.pid'), 'utf8'))
    expect(alive(child)).toBe(true)
    expect(rows(`select status from runs where id = ?`, running)[0].status).toBe('running')
    expect((await box.run(['cancel', String(running)])).code).toBe(0)
    await until(() => !alive(child), 5000, 'the child process to be gone')
    await new Promise((r) => setTimeout(r, 1500))
    expect(readFileSync(path.join(box.dir, 'attempts.log'), 'utf8').trim().split('\n')).toHaveLength(1)
    expect(rows(`select status, reason from runs order by id`)).toEqual([
      { status: 'interrupted', reason: 'cancelled' },
      { status: 'interrupted', reason: 'cancelled' },
    ])
  }, 90_000)
})
