import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { alive, serving, startServe, startTicks, until } from '../helpers/serve-child.js'

let box: Sandbox
const children: ChildProcess[] = []
const strays: number[] = []
beforeEach(() => {
  box = sandbox()
})
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  children.length = 0
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
  box.cleanup()
})

const db = () => new Database(path.join(box.dir, '.circadian', 'state.db'))
const rows = (sql: string, ...params: unknown[]) => {
  const d = db()
  try {
    return d.prepare(sql).all(...params) as Array<Record<string, unknown>>
  } finally {
    d.close()
  }
}
const exec = (sql: string, ...params: unknown[]) => {
  const d = db()
  try {
    d.prepare(sql).run(...params)
  } finally {
    d.close()
  }
}
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()

/**
 * Each attempt logs a line; the first starts a child (`sleep`, its pid in child.pid) and waits for it; an
 * attempt after the crash fails, so the retried run uses up exactly the attempts left.
 */
const CRASHY = `echo attempt >> attempts.log; if [ -f crashed ]; then exit 5; fi; sleep 300 & echo $! > child.pid; wait`

/** After kill -9, make the lost run a scheduled occurrence (as if the hourly fire had started it): those are retried. */
function asScheduled(runId: unknown): void {
  exec(
    `update runs set trigger = 'schedule', scheduled_for = '2026-01-01T00:00:00.000Z', claim = '@2026-01-01T00:00:00.000Z' where id = ?`,
    runId,
  )
}

async function crashWhileRunning(config: string): Promise<{ run: Record<string, unknown> }> {
  box.write('circadian.config.ts', tsConfig(config))
  const s = startServe(box, [], children)
  await s.waitFor(serving)
  expect((await box.run(['trigger', 'work'])).code).toBe(0)
  await s.waitFor((l) => l.job === 'work' && l.msg === 'run started')
  await until(
    () => rows(`select pgid from runs where job = 'work' and pgid is not null`).length === 1,
    10_000,
    'the run row to record its process group',
  )
  s.child.kill('SIGKILL')
  await s.exited
  const [run] = rows(`select id, status, pgid, host, proc_start from runs where job = 'work'`)
  return { run }
}

describe('a crash leaves nothing behind', () => {
  it('kill -9 serve: the restart kills the orphaned process group, records it, and retries with the remaining budget', async () => {
    const { run } = await crashWhileRunning(
      `{ jobs: { work: { type: 'command', schedule: '0 * * * *', command: '${CRASHY}', retry: { attempts: 3, delay: '100ms', backoff: 'fixed' } } } }`,
    )
    expect(run).toMatchObject({
      status: 'running',
      host: expect.any(String),
      proc_start: expect.stringMatching(/^[0-9a-f-]+:\d+$/),
    })
    const childPid = Number(readFileSync(path.join(box.dir, 'child.pid'), 'utf8'))
    strays.push(childPid)
    expect(alive(childPid)).toBe(true)
    asScheduled(run.id)
    box.write('crashed', '')

    const next = startServe(box, [], children)
    await next.waitFor((l) => typeof l.msg === 'string' && l.msg.includes('recovered 1 run'))
    expect(alive(childPid)).toBe(false)
    await next.waitFor((l) => l.job === 'work' && l.status === 'failed')
    next.child.kill('SIGTERM')
    await next.exited

    const [lost] = rows(`select status, reason, error from runs where id = ?`, run.id)
    expect(lost).toMatchObject({ status: 'interrupted', reason: 'process-lost' })
    expect(lost.error).toContain(`its process group ${run.pgid} was still running and was killed`)
    const [action] = rows(`select action, detail, run_id from actions where action = 'orphan-killed'`)
    expect(action.run_id).toBe(run.id)
    expect(action.detail).toContain(`killed process group ${run.pgid}`)
    expect(action.detail).toContain(String(childPid))
    // 3 attempts in all: 1 before the crash, 2 left for the retried occurrence.
    const [retried] = rows(`select status, attempts, trigger from runs where id != ? and job = 'work'`, run.id)
    expect(retried).toEqual({ status: 'failed', attempts: 2, trigger: 'catchup' })
    expect(readFileSync(path.join(box.dir, 'attempts.log'), 'utf8').trim().split('\n')).toHaveLength(3)
  }, 90_000)

  it('a pid now used by another process (the recorded start time differs) is never killed', async () => {
    const { run } = await crashWhileRunning(
      `{ jobs: { work: { type: 'command', schedule: '0 * * * *', command: '${CRASHY}' } } }`,
    )
    strays.push(Number(readFileSync(path.join(box.dir, 'child.pid'), 'utf8')), Number(run.pgid))
    // Another program that happens to hold the recorded pid: point the row at an unrelated live process group
    // whose start time is not the one recorded.
    const unrelated = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' })
    strays.push(unrelated.pid!)
    exec(
      `update runs set pgid = ?, proc_start = ? where id = ?`,
      unrelated.pid,
      `${bootId()}:${startTicks(unrelated.pid!) - 7}`,
      run.id,
    )

    const next = startServe(box, [], children)
    await next.waitFor((l) => typeof l.msg === 'string' && l.msg.includes('recovered 1 run'))
    await until(
      () => rows(`select status from runs where id = ? and status = 'interrupted'`, run.id).length === 1,
      10_000,
      'the lost run to be recorded',
    )
    next.child.kill('SIGTERM')
    await next.exited
    expect(alive(unrelated.pid!)).toBe(true)
    expect(rows(`select * from actions where action = 'orphan-killed'`)).toEqual([])
    expect(rows(`select error from runs where id = ?`, run.id)[0].error).toContain(
      'the pid now belongs to another process, left alone',
    )
  }, 90_000)

  it("on Linux the command's own process dies with serve at once (parent-death signal), before any restart", async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { work: { type: 'command', command: ['sleep', '300'] } } }`))
    const s = startServe(box, [], children)
    await s.waitFor(serving)
    expect((await box.run(['trigger', 'work'])).code).toBe(0)
    await s.waitFor((l) => l.job === 'work' && l.msg === 'run started')
    await until(() => rows(`select pgid from runs where pgid is not null`).length === 1, 10_000, 'the process group')
    const pid = Number(rows(`select pgid from runs`)[0].pgid)
    strays.push(pid)
    expect(alive(pid)).toBe(true)
    s.child.kill('SIGKILL')
    await s.exited
    await until(() => !alive(pid), 2000, `process ${pid} to die with its parent`)
  }, 60_000)
})
