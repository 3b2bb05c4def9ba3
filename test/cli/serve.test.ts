import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import Database from 'better-sqlite3'
import knex from 'knex'
import { createTestDatabase } from '../helpers/databases.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { minuteHalfAnHourAway } from '../helpers/clock.js'
import { startServe } from '../helpers/serve-child.js'

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** `circadian serve` in the sandbox, its child kept for the afterEach to kill. */
const serve = (args: string[] = []) => startServe(box, args, children)

const db = () => new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
const rows = (sql: string, ...params: unknown[]) => {
  const d = db()
  try {
    return d.prepare(sql).all(...params) as Array<Record<string, unknown>>
  } finally {
    d.close()
  }
}

describe('circadian serve, several instances', () => {
  it("overlap 'skip' holds across instances: no two runs of a job overlap in time", async () => {
    const db = await createTestDatabase('pg')
    try {
      box.write(
        'circadian.config.ts',
        tsConfig(
          `{ state: { client: 'pg', connection: '${db.url}' }, jobs: { long: { type: 'command', schedule: '* * * * * *', command: 'sleep 2.5' } } }`,
        ),
      )
      const a = serve(['--instance-id', 'a'])
      const b = serve(['--instance-id', 'b'])
      // Starting takes long on a loaded machine (the whole suite runs in parallel): wait generously.
      await a.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('serving'), 60_000)
      await b.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('serving'), 60_000)
      await sleep(9000)
      a.child.kill('SIGTERM')
      b.child.kill('SIGTERM')
      await Promise.all([a.exited, b.exited])
      const k = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } })
      const runs: Array<{ started_at: string; finished_at: string; instance: string }> = await k('runs')
        .where({ job: 'long', status: 'succeeded' })
        .orderBy('started_at')
        .select('started_at', 'finished_at', 'instance')
      const skipped = await k('runs')
        .where({ job: 'long', status: 'skipped', reason: 'overlap' })
        .count({ n: '*' })
        .first()
      await k.destroy()
      expect(runs.length).toBeGreaterThanOrEqual(2)
      expect(Number(skipped?.n)).toBeGreaterThanOrEqual(4)
      for (let i = 1; i < runs.length; i++)
        expect(Date.parse(runs[i].started_at)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1].finished_at) - 5)
    } finally {
      await db.drop()
    }
  })
})

describe('circadian serve', () => {
  it('SIGTERM lets a running run finish within shutdownGrace, records it, exits 0', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ serve: { shutdownGrace: '10s' }, jobs: { work: { type: 'command', schedule: '* * * * * *', command: 'sleep 1.5; echo done' } } }`,
      ),
    )
    const s = serve()
    await s.waitFor((l) => l.msg === 'run started')
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    const runs = rows(`select status from runs where job = 'work' and status != 'skipped'`)
    expect(runs.length).toBeGreaterThanOrEqual(1)
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true)
  })

  it('runs still going after shutdownGrace are interrupted; a second signal interrupts at once', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ serve: { shutdownGrace: '1s' }, jobs: { long: { type: 'command', schedule: '* * * * * *', command: 'sleep 30' } } }`,
      ),
    )
    const s = serve()
    await s.waitFor((l) => l.msg === 'run started')
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    expect(rows(`select status from runs where status != 'skipped'`).map((r) => r.status)).toEqual(['interrupted'])

    const again = serve()
    await again.waitFor((l) => l.msg === 'run started')
    const t = Date.now()
    again.child.kill('SIGTERM')
    await sleep(200)
    again.child.kill('SIGTERM')
    expect(await again.exited).toBe(0)
    expect(Date.now() - t).toBeLessThan(8000)
  })

  it('after kill -9, the next start records the lost run interrupted at once and retries its occurrence', async () => {
    // Hourly, at a minute half an hour away: no scheduled fire joins the triggered run, whatever the time.
    const minute = minuteHalfAnHourAway()
    const occurrence = `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { work: { type: 'command', schedule: '${minute} * * * *', command: 'sleep 2; echo finished', retry: { attempts: 2 } } } }`,
      ),
    )
    const s = serve()
    await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('serving'))
    expect((await box.run(['trigger', 'work'])).code).toBe(0)
    await s.waitFor((l) => l.job === 'work' && l.msg === 'run started')
    s.child.kill('SIGKILL')
    await s.exited
    const lost = rows(`select id, status from runs where job = 'work'`)
    expect(lost).toEqual([expect.objectContaining({ status: 'running' })])
    // A scheduled occurrence is retried; make the lost run one (as if the hourly fire had started it).
    const d = new Database(path.join(box.dir, '.circadian', 'state.db'))
    d.prepare(`update runs set trigger = 'schedule', scheduled_for = ?, claim = ? where id = ?`).run(
      occurrence,
      `@${occurrence}`,
      lost[0].id,
    )
    d.close()
    const next = serve()
    await next.waitFor((l) => typeof l.msg === 'string' && l.msg.includes('recovered 1 run'))
    await next.waitFor((l) => l.job === 'work' && l.msg === 'run succeeded')
    next.child.kill('SIGTERM')
    await next.exited
    expect(rows(`select status, reason, trigger from runs where id = ?`, lost[0].id)).toEqual([
      { status: 'interrupted', reason: 'process-lost', trigger: 'schedule' },
    ])
    expect(
      rows(`select status, trigger, summary from runs where scheduled_for = ? and id != ?`, occurrence, lost[0].id),
    ).toEqual([{ status: 'succeeded', trigger: 'catchup', summary: 'finished' }])
  })

  it('hot reload: a valid change is applied without restart; an invalid one is rejected and the old config keeps running', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { a: { type: 'command', schedule: '* * * * * *', command: 'true' } } }`),
    )
    const s = serve()
    await s.waitFor((l) => l.job === 'a' && l.msg === 'run succeeded')
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { a: { type: 'command', schedule: '* * * * * *', command: 'true' }, b: { type: 'command', schedule: '* * * * * *', command: 'true' } } }`,
      ),
    )
    await s.waitFor((l) => l.msg === 'config reloaded: 1 added, 0 removed, 0 changed')
    await s.waitFor((l) => l.job === 'b' && l.msg === 'run succeeded')
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { a: { type: 'command', schedule: '0 25 * * *', command: 'true' } } }`),
    )
    const rejected = await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('config change rejected'))
    expect(JSON.stringify(rejected)).toContain('hour 25 is out of range 0-23')
    const before = rows(`select count(*) as n from runs where job = 'b'`)[0].n as number
    // The old config keeps running: b goes on firing every second.
    const count = () => rows(`select count(*) as n from runs where job = 'b'`)[0].n as number
    for (const deadline = Date.now() + 30_000; count() <= before && Date.now() < deadline;) await sleep(100)
    expect(count()).toBeGreaterThan(before)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })

  it('pause, resume and trigger from the CLI reach a running serve promptly; status shows it', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { tick: { type: 'command', schedule: '* * * * * *', command: 'true' }, manual: { type: 'command', command: 'echo by hand' } } }`,
      ),
    )
    const s = serve(['--instance-id', 'worker-1'])
    await s.waitFor((l) => l.job === 'tick' && l.msg === 'run succeeded')
    expect((await box.run(['pause', 'tick', '--reason', 'maintenance'])).code).toBe(0)
    await s.waitFor((l) => l.msg === 'tick paused')
    await s.waitFor((l) => l.job === 'tick' && l.reason === 'paused')
    const status = JSON.parse((await box.run(['status', '--json'])).stdout)
    expect(status.jobs.find((j: { job: string }) => j.job === 'tick')).toMatchObject({
      paused: true,
      pauseReason: 'maintenance',
    })
    expect(status.instances).toEqual([expect.objectContaining({ id: 'worker-1', live: true })])
    expect((await box.run(['resume', 'tick'])).code).toBe(0)
    await s.waitFor((l) => l.msg === 'tick resumed')
    const triggered = await box.run(['trigger', 'manual'])
    expect(triggered.stdout).toContain('manual: triggered')
    await s.waitFor((l) => l.job === 'manual' && l.msg === 'run succeeded')
    expect(rows(`select trigger, summary from runs where job = 'manual'`)).toEqual([
      { trigger: 'manual', summary: 'by hand' },
    ])
    expect((await box.run(['trigger', 'nope'])).code).toBe(2)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })

  it('run --due: each occurrence once even when CI fires twice; a first run takes the latest due occurrence', async () => {
    // Hourly at the minute half an hour from now: its latest occurrence fell due about 30 min ago, and no new
    // one falls due while the test runs (with '0 * * * *', one started just before a full hour would see two).
    const minute = minuteHalfAnHourAway()
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { hourly: { type: 'command', schedule: '${minute} * * * *', command: 'true', catchUp: 'all' } } }`,
      ),
    )
    const [a, b] = await Promise.all([box.run(['run', '--due', '--json']), box.run(['run', '--due', '--json'])])
    const runs = [...JSON.parse(a.stdout).runs, ...JSON.parse(b.stdout).runs]
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ job: 'hourly', status: 'succeeded' })
    expect(JSON.parse((await box.run(['run', '--due', '--json'])).stdout).runs).toEqual([])
  })

  it('run --due honours pause: due occurrences of a paused job are recorded skipped (paused)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { minutely: { type: 'command', schedule: '* * * * *', command: 'true' } } }`),
    )
    // Paused before it ever ran, with a watermark 150 s back: at least two minutes fell due, the latest of
    // them on time (within misfireGrace) and none of them claimed by an earlier run.
    expect((await box.run(['pause', 'minutely'])).code).toBe(0)
    const d = new Database(path.join(box.dir, '.circadian', 'state.db'))
    expect(
      d
        .prepare(`update job_state set watermark = ? where job = 'minutely'`)
        .run(new Date(Date.now() - 150_000).toISOString()).changes,
    ).toBe(1)
    d.close()
    const r = JSON.parse((await box.run(['run', '--due', '--json'])).stdout)
    expect(r.runs).toEqual([])
    // As in serve: the occurrence that would have run (catchUp 'latest') is skipped, older late ones are missed.
    expect(rows(`select status, reason from runs where reason = 'paused'`)).toEqual([
      { status: 'skipped', reason: 'paused' },
    ])
    expect(rows(`select count(*) as n from runs where status = 'missed'`)[0].n).toBeGreaterThanOrEqual(1)
  })

  it('run --due: the time a job spent disabled is not downtime (no catch-up or missed runs once enabled)', async () => {
    const config = (enabled: boolean) =>
      tsConfig(
        `{ jobs: { minutely: { type: 'command', schedule: '* * * * *', command: 'true', catchUp: 'all', enabled: ${enabled} } } }`,
      )
    box.write('circadian.config.ts', config(true))
    await box.run(['run', '--due'])
    box.write('circadian.config.ts', config(false))
    const d = new Database(path.join(box.dir, '.circadian', 'state.db'))
    d.prepare(`update job_state set watermark = ? where job = 'minutely'`).run(
      new Date(Date.now() - 600_000).toISOString(),
    )
    d.close()
    expect(JSON.parse((await box.run(['run', '--due', '--json'])).stdout).runs).toEqual([])
    box.write('circadian.config.ts', config(true))
    const r = JSON.parse((await box.run(['run', '--due', '--json'])).stdout)
    expect(r.runs.length).toBeLessThanOrEqual(1)
    expect(rows(`select count(*) as n from runs where status = 'missed'`)[0].n).toBe(0)
  })
})
