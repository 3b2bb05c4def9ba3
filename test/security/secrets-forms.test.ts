import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { waitFor } from '../helpers/servers.js'

let box: Sandbox
let serve: ChildProcess | undefined
beforeEach(() => {
  box = sandbox()
})
afterEach(() => {
  if (serve?.exitCode === null) serve.kill('SIGKILL')
  box.cleanup()
})

const historyText = async (env: NodeJS.ProcessEnv) => (await box.run(['history', '--json'], { env })).stdout

describe('a secret in the forms it is printed in', () => {
  it('JSON-escaped: a secret with a quote and a backslash, printed by JSON.stringify', async () => {
    const secret = 'pa"ss\\w0rd-Quote'
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { j: { type: 'command', env: { S: env('SECRET') }, command: ['node', '-e', 'console.log(JSON.stringify({ password: process.env.S }))'] } } }`,
      ),
    )
    const env = { SECRET: secret }
    const run = await box.run(['run', 'j', '--json'], { env })
    expect(run.code).toBe(0)
    const escaped = JSON.stringify(secret).slice(1, -1)
    for (const text of [run.stdout, await historyText(env)]) {
      expect(text).not.toContain(escaped)
      expect(text).not.toContain('w0rd-Quote')
    }
  })

  it('case-folded: a database lower-cases the secret into its error message', async () => {
    const secret = 'MixedCase-Secret-Role9'
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { j: { type: 'command', env: { S: env('SECRET') }, command: 'echo "role \\"$(printf %s "$S" | tr A-Z a-z)\\" does not exist" >&2; exit 1' } } }`,
      ),
    )
    const env = { SECRET: secret }
    const run = await box.run(['run', 'j', '--json'], { env })
    expect(run.code).toBe(3)
    for (const text of [run.stdout, await historyText(env)])
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase())
  })

  it('URL-encoded, form-style: a space as + and a slash as %2F', async () => {
    const secret = 'a b/c+d~secret!x'
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ jobs: { j: { type: 'command', env: { S: env('SECRET') }, command: ['node', '-e', 'console.log("GET /?" + new URLSearchParams({ key: process.env.S }))'] } } }`,
      ),
    )
    const env = { SECRET: secret }
    const run = await box.run(['run', 'j', '--json'], { env })
    expect(run.code).toBe(0)
    const form = new URLSearchParams({ k: secret }).toString().slice(2)
    for (const text of [run.stdout, await historyText(env)]) expect(text).not.toContain(form.slice(2))
  })

  it('pause --reason and the pause API store and serve the reason redacted', async () => {
    const secret = 'pause-reason-secret-3141'
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo
        srv.close(() => resolve(p))
      })
    })
    const token = 'serve-token-2718281828'
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ serve: { http: { port: ${port} }, token: env('TOKEN') }, jobs: { j: { type: 'command', env: { S: env('SECRET') }, command: 'true' }, k: { type: 'command', command: 'true' } } }`,
      ),
    )
    const env = { SECRET: secret, TOKEN: token }
    expect((await box.run(['pause', 'j', '--reason', `rotating ${secret} now`], { env })).code).toBe(0)
    const db = new Database(path.join(box.dir, '.circadian', 'state.db'), { readonly: true })
    const stored = (db.prepare('select pause_reason from job_state where job = ?').get('j') as { pause_reason: string })
      .pause_reason
    db.close()
    expect(stored).toBe('rotating [redacted] now')

    serve = spawn(process.execPath, [BIN, 'serve'], {
      cwd: box.dir,
      env: { ...box.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    serve.stdout!.on('data', (c) => (log += c))
    serve.stderr!.on('data', (c) => (log += c))
    await waitFor(() => log.includes('HTTP on'), 30_000)
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const paused = await fetch(`http://127.0.0.1:${port}/api/jobs/k/pause`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ reason: `uses ${secret}` }),
    })
    expect(paused.status).toBe(200)
    const jobs = await (await fetch(`http://127.0.0.1:${port}/api/jobs`, { headers })).text()
    expect(jobs).not.toContain(secret)
    expect(jobs).toContain('uses [redacted]')
    const status = await box.run(['status', '--json'], { env })
    expect(status.stdout).not.toContain(secret)
  })
})
