// Issue 23: serve and the store commands as an operator meets them (port in use, log lines, an invalid
// config on disk while serve keeps running the last valid one, pause/resume/trigger answers, history).
import { createServer } from 'node:net'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { type ServeProcess, startServeProcess } from '../helpers/serve-process.js'

let box: Sandbox
const serves: ServeProcess[] = []
beforeEach(() => {
  box = sandbox()
})
afterEach(() => {
  for (const s of serves) if (s.child.exitCode === null) s.child.kill('SIGKILL')
  serves.length = 0
  box.cleanup()
})

const serve = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const s = startServeProcess(box, args, env)
  serves.push(s)
  return s
}

const rows = (file: string, sql: string) => {
  const d = new Database(file, { readonly: true })
  try {
    return d.prepare(sql).all() as Array<Record<string, unknown>>
  } finally {
    d.close()
  }
}

describe('serve', () => {
  it('a port in use: the right key in the hint, exit 2, and no instance registered, no run', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    try {
      box.write(
        'circadian.config.ts',
        tsConfig(
          `{ serve: { http: { port: ${port} } }, jobs: { a: { type: 'command', schedule: '* * * * * *', command: 'true' } } }`,
        ),
      )
      const s = serve()
      expect(await s.exited).toBe(2)
      expect(s.stderr()).toContain(
        `serve.http.port ${port} on 127.0.0.1 is already in use (another circadian serve?); set another with serve: { http: { port } } in the config`,
      )
      const db = path.join(box.dir, '.circadian', 'state.db')
      expect(rows(db, 'select * from instances')).toEqual([])
      expect(rows(db, 'select * from runs')).toEqual([])
      const status = await box.run(['status'])
      expect(status.stdout).toContain('serve: not running')
    } finally {
      blocker.close()
    }
  })

  it('one log line per outcome, at its level: success info, failure warn (once), breaker opening and automatic pause error', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(`{
  resources: { 'db:x': { breaker: { failures: 1, halfOpenAfter: '1h' } } },
  jobs: {
    ok: { type: 'command', schedule: '* * * * * *', command: 'true' },
    bad: { type: 'command', schedule: '* * * * * *', command: 'exit 1', resources: ['db:x'], onFailure: { after: 1, pause: true } },
  },
}`),
    )
    const s = serve()
    const failed = await s.waitFor((l) => l.job === 'bad' && l.status === 'failed')
    await s.waitFor((l) => l.job === 'ok' && l.status === 'succeeded')
    await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('paused automatically'))
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    expect(failed).toMatchObject({ level: 40, msg: 'run failed: exit code 1' })
    expect(
      s.lines.filter((l) => l.run === failed.run && typeof l.msg === 'string' && l.msg.startsWith('run failed')),
    ).toHaveLength(1)
    expect(s.lines.find((l) => l.job === 'ok' && l.status === 'succeeded')).toMatchObject({
      level: 30,
      msg: 'run succeeded',
    })
    expect(s.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('breaker db:x opened'))).toMatchObject({
      level: 50,
      job: 'bad',
    })
    expect(s.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('paused automatically'))).toMatchObject({
      level: 50,
      job: 'bad',
    })
    expect(s.lines.some((l) => l.msg === 'run interrupted: interrupted')).toBe(false)
  })
})

describe('the store commands while the config on disk is invalid', () => {
  it('work from the state settings serve recorded (env() kept as a reference, never its value), with a warning', async () => {
    const stateFile = path.join(box.dir, 'elsewhere', 'state.db')
    const env = { STATE_FILE: stateFile }
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ state: { client: 'sqlite', filename: env('STATE_FILE') }, jobs: { tick: { type: 'command', schedule: '* * * * * *', command: 'true' }, manual: { type: 'command', command: 'true' } } }`,
      ),
    )
    const s = serve([], env)
    await s.waitFor((l) => l.job === 'tick' && l.status === 'succeeded')
    const recorded = path.join(box.dir, '.circadian', 'last-valid-state.json')
    expect(existsSync(recorded)).toBe(true)
    expect(readFileSync(recorded, 'utf8')).not.toContain(stateFile)
    expect(readFileSync(recorded, 'utf8')).toContain('${env:STATE_FILE}')

    box.write(
      'circadian.config.ts',
      `import { defineConfig } from 'circadian'\nexport default defineConfig({ jobs: { tick: { type: 'command', command: 'true' } } \n`,
    )
    await s.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('config change rejected'))
    const run = (args: string[]) => box.run(args, { env })
    const status = await run(['status'])
    expect(status.code).toBe(0)
    expect(status.stderr).toMatch(
      /warning: .*circadian\.config\.ts is invalid .*using the state settings serve recorded for the last valid config/,
    )
    expect(status.stdout).toMatch(/tick +unknown/)
    expect((await run(['pause', 'tick', '--reason', 'fixing the config'])).stdout).toContain(
      'tick paused (fixing the config)',
    )
    expect((await run(['pause', 'tick'])).stdout).toContain(
      'tick was already paused; reason unchanged: "fixing the config"',
    )
    expect((await run(['pause', 'tick', '--reason', 'still fixing'])).stdout).toContain(
      'tick was already paused; reason changed from "fixing the config" to "still fixing"',
    )
    const refused = await run(['trigger', 'tick'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(
      'tick is paused (still fixing): a triggered run would be skipped. Resume it first (circadian resume tick)',
    )
    expect((await run(['resume', 'tick'])).stdout).toContain('tick resumed')
    expect((await run(['resume', 'tick'])).stdout).toContain('tick was not paused; nothing changed')
    const history = await run(['history', 'tick', '--status', 'succeeded', '-n', '1'])
    expect(history.code).toBe(0)
    expect(history.stdout).toContain('succeeded')
    expect((await run(['pause', 'nope'])).code).toBe(2)
    // Without the variable the recorded settings cannot be used: the config's own error, and why.
    const without = await box.run(['status'])
    expect(without.code).toBe(2)
    expect(without.stderr).toContain('STATE_FILE, not set in this environment')
    expect(without.stderr).not.toContain(stateFile)
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })

  it("work from the file's own state settings when that part of it is valid", async () => {
    box.write('circadian.config.ts', tsConfig(`{ jobs: { a: { type: 'command', command: 'true' } } }`))
    expect((await box.run(['run', 'a'])).code).toBe(0)
    box.write(
      'circadian.config.ts',
      tsConfig(`{ jobs: { a: { type: 'command', command: 'true', schedule: 'nope' } } }`),
    )
    const status = await box.run(['status'])
    expect(status.code).toBe(0)
    expect(status.stderr).toContain(
      'is invalid (1 problem; see circadian validate); using the state settings in it, which are valid',
    )
    expect(status.stdout).toMatch(/a +unknown/)
    expect((await box.run(['validate'])).code).toBe(2)
  })
})

describe('history', () => {
  it('an unknown job is exit 2 with a suggestion; an empty status filter says so; skipped runs never started', async () => {
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ timezone: 'Asia/Kolkata', jobs: { nightly: { type: 'command', schedule: '* * * * *', command: 'true' } } }`,
      ),
    )
    expect((await box.run(['run', 'nightly'])).code).toBe(0)
    const unknown = await box.run(['history', 'nightyl'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('Unknown job "nightyl" (did you mean "nightly"?)')
    const missed = await box.run(['history', 'nightly', '--status', 'missed'])
    expect(missed.code).toBe(0)
    expect(missed.stdout).toContain(
      'No missed runs of nightly (there are runs with other statuses: circadian history nightly).',
    )
    expect((await box.run(['pause', 'nightly'])).code).toBe(0)
    expect((await box.run(['run', '--due', 'nightly'])).code).toBe(0)
    const shown = await box.run(['history', 'nightly'])
    const header = shown.stdout.split('\n')[0]
    expect(header).toMatch(/SCHEDULED +STARTED/)
    const ran = shown.stdout.split('\n').find((l) => l.includes('succeeded'))!
    // Times are in the job's zone with its offset; --utc switches.
    expect(ran).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30/)
    expect(shown.stdout).toMatch(/skipped \(paused\) +\S+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30 +- +- /)
    const utc = await box.run(['history', 'nightly', '--utc'])
    expect(utc.stdout.split('\n').find((l) => l.includes('succeeded'))).toMatch(
      /\+00:00 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00/,
    )
  })
})
