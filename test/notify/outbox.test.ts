import path from 'node:path'
import Database from 'better-sqlite3'
import knex from 'knex'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../../src/state/store.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { createTestDatabase } from '../helpers/databases.js'
import { startSmtpCapture } from '../helpers/servers.js'
import { noticeReceiver } from './receiver.js'
import { startServe, until } from './serve-process.js'

let box: Sandbox
let receiver: Awaited<ReturnType<typeof noticeReceiver>>
const children: Array<ReturnType<typeof startServe>> = []
beforeEach(async () => {
  box = sandbox()
  receiver = await noticeReceiver()
})
afterEach(async () => {
  for (const s of children.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  await receiver.close()
  box.cleanup()
})

const rows = (sql: string) => {
  const d = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
  try {
    return d.prepare(sql).all() as Array<Record<string, string>>
  } finally {
    d.close()
  }
}

/** Every notice of each job, in the order it was queued, must arrive in that order: first arrivals only. */
function expectInOrderPerJob(queued: Array<{ key: string; job: string }>, arrived: string[]) {
  const first = [...new Set(arrived)]
  for (const job of new Set(queued.map((q) => q.job))) {
    const keys = new Set(queued.filter((q) => q.job === job).map((q) => q.key))
    expect(first.filter((k) => keys.has(k))).toEqual(queued.filter((q) => q.job === job).map((q) => q.key))
  }
}

describe('the notice outbox, end to end', () => {
  it('a receiver that refuses, then accepts: every notice arrives exactly once, in order per job, across a kill -9 of serve', async () => {
    receiver.refuse()
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        notifiers: { hook: { type: 'webhook', url: '${receiver.url}/n', rateLimit: { max: 10000, per: '1h' } } },
        serve: { http: { port: 0 } },
        jobs: {
          a: { type: 'command', schedule: '* * * * * *', command: 'true', notify: ['hook'], notifyOn: ['success'] },
          b: { type: 'command', schedule: '* * * * * *', command: 'true', notify: ['hook'], notifyOn: ['success'] },
        },
      }`),
    )
    const first = startServe(box.dir, box.env)
    children.push(first)
    await first.serving()
    const httpLine = await first.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('HTTP on'))
    const url = String(httpLine.msg).match(/HTTP on (\S+)/)![1]
    await until(() => receiver.deliveries.length >= 4, 30_000, 'refused deliveries')
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(/circadian_notices_pending [1-9]/)
    expect(metrics).toMatch(/circadian_notice_deliveries_total\{status="failed"\} [1-9]/)
    first.child.kill('SIGKILL')
    await first.exited
    const queuedBefore = rows(`select key from notices`).length
    expect(queuedBefore).toBeGreaterThanOrEqual(4)
    expect(rows(`select count(*) as n from notices where status = 'sent'`)).toEqual([{ n: 0 }])

    receiver.accept()
    const restarted = startServe(box.dir, box.env)
    children.push(restarted)
    await restarted.serving()
    const since = new Date().toISOString()
    // Order per job: once a notice queued after the restart arrived for each job, all before it did.
    await until(
      () => {
        const fresh = rows(`select job from notices where status = 'sent' and created_at > '${since}'`)
        return fresh.some((r) => r.job === 'a') && fresh.some((r) => r.job === 'b')
      },
      90_000,
      'the backlog to be delivered',
    )
    restarted.child.kill('SIGTERM')
    await restarted.exited

    const queued = rows(`select key, job, status from notices order by id`) as Array<{
      key: string
      job: string
      status: string
    }>
    expect(queued.filter((q) => q.status !== 'sent')).toEqual([])
    const arrived = receiver.accepted()
    expect(arrived.length).toBe(new Set(arrived).size)
    expect(new Set(arrived)).toEqual(new Set(queued.map((q) => q.key)))
    expectInOrderPerJob(queued, arrived)
    // The backlog left by the killed instance went out coalesced, per job.
    expect(receiver.deliveries.some((d) => d.status === 200 && d.coalesced.length > 0)).toBe(true)
  }, 180_000)

  it('email carries the notice key as Message-ID', async () => {
    const smtp = await startSmtpCapture()
    try {
      box.write(
        'circadian.config.ts',
        tsConfig(
          `{ notifiers: { mail: { type: 'email', host: '127.0.0.1', port: ${smtp.port}, from: 'circadian@example.com', to: 'ops@example.com' } }, jobs: { j: { type: 'command', command: 'exit 1', notify: ['mail'] } } }`,
        ),
      )
      await box.run(['run', 'j'])
      const [{ key }] = rows(`select key from notices`)
      expect(smtp.messages).toHaveLength(1)
      expect(smtp.messages[0].raw).toMatch(new RegExp(`^Message-ID: <${key}@circadian>\\r?$`, 'mi'))
    } finally {
      await smtp.close()
    }
  })

  it('notices lists the outbox; retry re-queues an expired notice, which is then delivered', async () => {
    receiver.refuse()
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { hook: { type: 'webhook', url: '${receiver.url}/n', maxAge: '1s' } }, jobs: { j: { type: 'command', command: 'exit 1', notify: ['hook'] } } }`,
      ),
    )
    await box.run(['run', 'j'])
    const list = JSON.parse((await box.run(['notices', '--json'])).stdout)
    expect(list.notices).toEqual([
      expect.objectContaining({
        id: 1,
        notifier: 'hook',
        job: 'j',
        event: 'failure',
        status: 'expired',
        title: 'circadian: j failed',
      }),
    ])
    expect(JSON.parse((await box.run(['notices', '--status', 'pending', '--json'])).stdout).notices).toEqual([])
    const text = await box.run(['notices', '--status', 'expired'])
    expect(text.stdout).toMatch(/^ID\s+STATUS\s+NOTIFIER/)
    expect(text.stdout).toContain('expired')
    const bad = await box.run(['notices', 'retry', '99'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('no notice "99"')
    expect((await box.run(['notices', 'retry'])).code).toBe(2)
    receiver.accept()
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ notifiers: { hook: { type: 'webhook', url: '${receiver.url}/n' } }, jobs: { j: { type: 'command', command: 'exit 1', notify: ['hook'] } } }`,
      ),
    )
    expect((await box.run(['notices', 'retry', '1'])).stdout).toContain('1 notice(s) queued again')
    await box.run(['run', 'j'])
    expect(rows(`select status from notices`)).toEqual([{ status: 'sent' }])
    expect(receiver.accepted()).toEqual(rows(`select key from notices`).map((r) => r.key))
  }, 60_000)
})

describe('the notice outbox with several instances on one PostgreSQL', () => {
  it('two serve processes never send one notice twice', async () => {
    const db = await createTestDatabase('pg')
    const slow = await noticeReceiver({ delayMs: 20 })
    try {
      const store = await openStore(db.config)
      const now = new Date().toISOString()
      const expires = new Date(Date.now() + 3_600_000).toISOString()
      const notices = []
      for (let i = 0; i < 60; i++) {
        const job = `job${i % 3}`
        notices.push({
          key: `ntc_t${String(i).padStart(3, '0')}`,
          notifier: 'hook',
          job,
          run_id: null,
          event: 'notice',
          body: JSON.stringify({ title: `notice ${i}`, text: 't', fields: { job } }),
          created_at: now,
          next_attempt_at: now,
          expires_at: expires,
        })
      }
      await store.outbox.enqueue(notices)
      await store.close()
      box.write(
        'circadian.config.ts',
        tsConfig(
          `{ state: { client: 'pg', connection: '${db.url}' }, notifiers: { hook: { type: 'webhook', url: '${slow.url}/n', rateLimit: { max: 10000, per: '1h' } } }, jobs: { idle: { type: 'command', schedule: '0 0 1 1 *', command: 'true' } } }`,
        ),
      )
      const a = startServe(box.dir, box.env, ['--instance-id', 'a'])
      const b = startServe(box.dir, box.env, ['--instance-id', 'b'])
      children.push(a, b)
      await Promise.all([a.serving(), b.serving()])
      const k = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } })
      try {
        await until(
          async () => Number((await k('notices').whereNot({ status: 'sent' }).count({ n: '*' }).first())?.n) === 0,
          60_000,
          'every notice to be sent',
        )
      } finally {
        await k.destroy()
      }
      a.child.kill('SIGTERM')
      b.child.kill('SIGTERM')
      await Promise.all([a.exited, b.exited])
      const arrived = slow.accepted()
      expect(arrived.length).toBe(60)
      expect(new Set(arrived).size).toBe(60)
      expectInOrderPerJob(notices, arrived)
    } finally {
      await slow.close()
      await db.drop()
    }
  }, 120_000)
})
