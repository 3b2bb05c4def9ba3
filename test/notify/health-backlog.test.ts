import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { startServe, until } from '../helpers/serve-child.js'

/**
 * /health is degraded while a notice older than 5 minutes is undelivered (issue 20 §1). The receiver is a
 * closed port, so nothing is ever delivered; the old notice is a row written straight into the store (the
 * fixture that saves waiting 5 minutes), a fresh one comes from a real failing run.
 */
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

const write = (sql: string, ...params: unknown[]) => {
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'))
  try {
    d.prepare(sql).run(...params)
  } finally {
    d.close()
  }
}

describe('/health and the notice backlog', () => {
  it('is ok with only fresh undelivered notices, degraded (with the reason) once one is older than 5 minutes; /metrics counts them', async () => {
    const port = await freePort()
    const closed = await freePort()
    box.write(
      'circadian.config.ts',
      tsConfig(`{ serve: { http: { port: ${port}, publicReads: true } },
        notifiers: { hook: { type: 'webhook', url: 'http://127.0.0.1:${closed}/n' } },
        jobs: { bad: { type: 'command', command: 'exit 1', notify: ['hook'] } } }`),
    )
    const s = startServe(box, [], children)
    await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('HTTP on'))
    const base = `http://127.0.0.1:${port}`
    const health = async () =>
      (await (await fetch(`${base}/health`)).json()) as {
        status: string
        reasons: string[]
        notices: { pending: number; oldest: string | null }
      }
    const pendingMetric = async () =>
      Number(/^circadian_notices_pending (\d+)$/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1])

    // A real failing run queues a notice the closed port never takes: fresh, so not a degradation.
    expect((await box.run(['trigger', 'bad'])).code).toBe(0)
    await until(async () => (await health()).notices.pending === 1, 20_000, 'the run’s notice to be queued')
    expect((await health()).reasons.filter((r) => r.includes('notice'))).toEqual([])
    expect(await pendingMetric()).toBe(1)

    const old = new Date(Date.now() - 6 * 60_000).toISOString()
    const later = new Date(Date.now() + 86_400_000).toISOString()
    write(
      `insert into notices (key, notifier, job, run_id, event, body, status, attempts, created_at, next_attempt_at, expires_at) values (?, 'hook', 'bad', null, 'failure', ?, 'pending', 0, ?, ?, ?)`,
      'ntc_old_fixture_0001',
      JSON.stringify({ title: 'bad failed', text: 'exit 1' }),
      old,
      old,
      later,
    )
    const degraded = await health()
    expect(degraded.status).toBe('degraded')
    expect(degraded.reasons).toContain(`2 notice(s) undelivered, the oldest since ${old}`)
    expect(await pendingMetric()).toBe(2)

    // Delivered (here: marked sent, as a receiver coming back would leave it), the backlog no longer degrades.
    write(
      `update notices set status = 'sent', sent_at = ? where key = 'ntc_old_fixture_0001'`,
      new Date().toISOString(),
    )
    expect((await health()).reasons.filter((r) => r.includes('notice'))).toEqual([])
    expect(await pendingMetric()).toBe(1)
  }, 60_000)
})
