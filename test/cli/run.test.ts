import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

let box: Sandbox
beforeEach(() => {
  box = sandbox()
})
afterEach(() => box.cleanup())

const stateDb = () => new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('circadian run', () => {
  it('runs --all in dependency order and exits 0 when every job succeeds', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: {
        report: { type: 'command', after: ['transform'], command: 'echo report >> order.txt' },
        extract: { type: 'command', command: 'sleep 0.2; echo extract >> order.txt' },
        transform: { type: 'command', after: ['extract'], command: 'echo transform >> order.txt' },
        off: { type: 'command', enabled: false, command: 'echo off >> order.txt' },
      } }`),
    )
    const r = await box.run(['run', '--all'])
    expect(r.code).toBe(0)
    expect(readFileSync(path.join(box.dir, 'order.txt'), 'utf8')).toBe('extract\ntransform\nreport\n')
    expect(r.stdout).toContain('3 runs: 3 succeeded')
  })

  it('several processes starting at once on a new SQLite state file all run (none sees it locked)', async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { a: { type: 'command', command: 'true' } } }`))
    const results = await Promise.all(Array.from({ length: 4 }, () => box.run(['run', 'a'])))
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0, 0, 0])
    const d = stateDb()
    expect(d.prepare(`select count(*) as n from runs where job = 'a' and status = 'succeeded'`).get()).toEqual({ n: 4 })
    d.close()
  })

  it('--json: {runs:[...]} only; an upstream failure skips its downstream (upstream-failed); exit 3', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: {
        import: { type: 'command', command: 'echo "bad header" >&2; exit 4' },
        score: { type: 'command', after: ['import'], command: 'echo scored' },
        match: { type: 'command', after: ['score'], command: 'echo matched' },
        other: { type: 'command', command: 'echo fine' },
      } }`),
    )
    const r = await box.run(['run', '--all', '--json'])
    expect(r.code).toBe(3)
    const { runs } = JSON.parse(r.stdout)
    const byJob = Object.fromEntries(runs.map((x: { job: string }) => [x.job, x]))
    expect(byJob.import).toMatchObject({ status: 'failed', attempts: 1, error: 'exit code 4: bad header' })
    expect(byJob.score).toMatchObject({ status: 'skipped', reason: 'upstream-failed', attempts: 0 })
    expect(byJob.match).toMatchObject({ status: 'skipped', reason: 'upstream-failed' })
    expect(byJob.other).toMatchObject({ status: 'succeeded', summary: 'fine' })
    for (const run of runs)
      expect(Object.keys(run)).toEqual(expect.arrayContaining(['job', 'status', 'startedAt', 'finishedAt', 'attempts']))
    const rows = stateDb().prepare('select job, status, reason from runs order by job').all()
    expect(rows).toEqual([
      { job: 'import', status: 'failed', reason: 'exit-code' },
      { job: 'match', status: 'skipped', reason: 'upstream-failed' },
      { job: 'other', status: 'succeeded', reason: null },
      { job: 'score', status: 'skipped', reason: 'upstream-failed' },
    ])
  })

  it('exit 1 when a job alerts and none failed', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { check: { type: 'command', command: 'echo "5 orders stuck"; exit 1', alertExitCodes: [1] }, ok: { type: 'command', command: 'true' } } }`,
      ),
    )
    const r = await box.run(['run', '--all', '--json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout).runs.find((x: { job: string }) => x.job === 'check')).toMatchObject({
      status: 'alert',
      summary: '5 orders stuck',
    })
  })

  it('--junit writes one test case per run: alerts as failures, failed runs as errors, skips as skipped', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: {
        ok: { type: 'command', command: 'echo fine' },
        stale: { type: 'command', command: 'echo "3 < 5 rows"; exit 1', alertExitCodes: [1] },
        broken: { type: 'command', command: 'exit 9' },
        after_broken: { type: 'command', after: ['broken'], command: 'true' },
      } }`),
    )
    const r = await box.run(['run', '--all', '--junit', 'reports/ci.xml'])
    expect(r.code).toBe(3)
    const xml = readFileSync(path.join(box.dir, 'reports', 'ci.xml'), 'utf8')
    expect(xml).toContain('<testsuites name="circadian" tests="4" failures="1" errors="1" skipped="1"')
    expect(xml).toContain('<testcase name="stale" classname="command"')
    expect(xml).toContain('<failure type="alert" message="3 &lt; 5 rows">')
    expect(xml).toContain('<error type="failed" message="exit code 9">')
    expect(xml).toMatch(
      /<testcase name="after_broken"[^>]*>\s*<skipped message="upstream-failed: upstream job &quot;broken&quot; failed"\/>/,
    )
  })

  it('retries with backoff and records every attempt', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { flaky: { type: 'command', command: 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; [ $n -ge 3 ]', retry: { attempts: 4, delay: '50ms', backoff: 'exponential' } } } }`,
      ),
    )
    const r = await box.run(['run', 'flaky', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).runs[0]).toMatchObject({ status: 'succeeded', attempts: 3 })
    const attempts = stateDb().prepare('select attempt, status, error from run_attempts order by attempt').all()
    expect(attempts).toEqual([
      { attempt: 1, status: 'failed', error: 'exit code 1' },
      { attempt: 2, status: 'failed', error: 'exit code 1' },
      { attempt: 3, status: 'succeeded', error: null },
    ])
  })

  it('a timeout kills the whole process tree (SIGTERM, then SIGKILL) and records timed_out; exit 3', async () => {
    // The shell starts a child that ignores SIGTERM and records its pid.
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { slow: { type: 'command', command: 'sh -c "trap \\'\\' TERM; echo $$ > child.pid; sleep 60" & wait', timeout: '1s', killGrace: '500ms' } } }`,
      ),
    )
    const started = Date.now()
    const r = await box.run(['run', 'slow', '--json'])
    expect(r.code).toBe(3)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(JSON.parse(r.stdout).runs[0]).toMatchObject({ status: 'timed_out', error: 'timed out after 1s' })
    const child = Number(readFileSync(path.join(box.dir, 'child.pid'), 'utf8'))
    expect(isAlive(child)).toBe(false)
  })

  it('keeps the last 64 KB of stdout and stderr, with secrets redacted', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { chatty: { type: 'command', env: { TOKEN: env('API_TOKEN') }, command: 'head -c 200000 /dev/zero | tr "\\\\0" "x"; echo; echo "token=$TOKEN"; echo "db postgres://u:hunter2@db/x" >&2' } } }`,
      ),
    )
    const r = await box.run(['run', 'chatty'], { env: { API_TOKEN: 'tok-SECRET-987654' } })
    expect(r.code).toBe(0)
    const row = stateDb().prepare('select output, summary from runs').get() as { output: string; summary: string }
    const output = JSON.parse(row.output)
    expect(Buffer.byteLength(output.stdout)).toBeLessThanOrEqual(64 * 1024 + 100)
    expect(output.stdout).toContain('token=[redacted]')
    expect(output.stderr).toContain('postgres://u:[redacted]@db/x')
    const file =
      readFileSync(path.join(box.dir, '.circadian', 'state.db')).toString('latin1') +
      readFileSync(path.join(box.dir, '.circadian', 'state.db-wal')).toString('latin1')
    expect(file).not.toContain('tok-SECRET-987654')
    expect(file).not.toContain('hunter2')
    expect(r.stdout + r.stderr).not.toContain('tok-SECRET-987654')
  })

  it('--with-upstream runs what a job waits for; bad selections are usage errors (exit 2)', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { a: { type: 'command', command: 'echo a >> o' }, b: { type: 'command', after: ['a'], command: 'echo b >> o' }, c: { type: 'command', command: 'echo c >> o' } } }`,
      ),
    )
    expect((await box.run(['run', 'b', '--with-upstream'])).code).toBe(0)
    expect(readFileSync(path.join(box.dir, 'o'), 'utf8')).toBe('a\nb\n')
    const unknown = await box.run(['run', 'bb'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown job: "bb" (did you mean "b"?)')
    expect((await box.run(['run'])).code).toBe(2)
    expect((await box.run(['run', 'a', '--all'])).code).toBe(2)
    expect((await box.run(['run', '--all', '--bogus'])).code).toBe(2)
  })

  it('SIGINT interrupts running jobs, records them interrupted, and exits 3', async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { long: { type: 'command', command: 'sleep 30' } } }`))
    const child = spawn(process.execPath, [BIN, 'run', 'long', '--json'], {
      cwd: box.dir,
      env: box.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (c) => (stdout += c))
    // Interrupt once the run is recorded running (however slow the machine is to get there).
    const running = () => {
      if (!existsSync(path.join(box.dir, '.circadian', 'state.db'))) return false
      const d = stateDb()
      try {
        return !!d.prepare(`select 1 from runs where job = 'long' and status = 'running'`).get()
      } catch {
        return false
      } finally {
        d.close()
      }
    }
    for (const deadline = Date.now() + 30_000; !running() && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 100))
    child.kill('SIGINT')
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(code).toBe(3)
    expect(JSON.parse(stdout).runs[0]).toMatchObject({ status: 'interrupted' })
  })

  it('history lists recorded runs newest first, filtered by job and status', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { ok: { type: 'command', command: 'echo fine' }, bad: { type: 'command', command: 'exit 2' } } }`,
      ),
    )
    await box.run(['run', 'ok'])
    await box.run(['run', 'bad'])
    await box.run(['run', 'ok'])
    const all = JSON.parse((await box.run(['history', '--json'])).stdout).runs
    expect(all.map((r: { job: string }) => r.job)).toEqual(['ok', 'bad', 'ok'])
    const failed = JSON.parse((await box.run(['history', '--status', 'failed', '--json'])).stdout).runs
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ job: 'bad', status: 'failed', error: 'exit code 2', trigger: 'manual' })
    const one = JSON.parse((await box.run(['history', 'ok', '--limit', '1', '--json'])).stdout).runs
    expect(one).toHaveLength(1)
    const human = await box.run(['history'])
    expect(human.stdout).toMatch(/RUN\s+JOB\s+STATUS/)
  })
})
