import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BIN, type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'
import { type HttpCapture, type SmtpCapture, startHttpCapture, startSmtpCapture, waitFor } from '../helpers/servers.js'

const SECRET = 'S3cr3t-ZQX-8842-qwertyuiop'
const HOOK_TOKEN = 'hooktok-7781-asdfghjkl'
const SMTP_PASSWORD = 'smtp-pw-5531-zxcvbnm'
const DB_PASSWORD = 'dbpass-9917-poiuytrewq'
const API_TOKEN = 'api-token-0123456789abcdef'

let box: Sandbox
let hook: HttpCapture
let smtp: SmtpCapture
let serveProcess: ChildProcess | undefined
beforeEach(async () => {
  box = sandbox()
  hook = await startHttpCapture()
  smtp = await startSmtpCapture({ auth: true })
})
afterEach(async () => {
  if (serveProcess?.exitCode === null) serveProcess.kill('SIGKILL')
  await hook.close()
  await smtp.close()
  box.cleanup()
})

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

describe('secrets', () => {
  it('never reach the state file, logs, run records, command output, errors, dead letters, notices, the API or --json', async () => {
    const port = await freePort()
    const env = { APP_SECRET: SECRET, HOOK_TOKEN, SMTP_PASSWORD, DB_PASSWORD, CIRCADIAN_TOKEN: API_TOKEN }
    box.write(
      'circadian.config.ts',
      tsConfig(`{
        serve: { http: { port: ${port} }, token: env('CIRCADIAN_TOKEN') },
        connections: { wh: { client: 'pg', connection: 'postgres://loader:' + env('DB_PASSWORD') + '@127.0.0.1:5432/nowhere' } },
        notifiers: {
          hook: { type: 'webhook', url: '${hook.url}/h?token=' + env('HOOK_TOKEN'), secret: env('APP_SECRET') },
          mail: { type: 'email', host: '127.0.0.1', port: ${smtp.port}, user: 'ops', password: env('SMTP_PASSWORD'), from: 'c@example.com', to: 'ops@example.com', tls: { rejectUnauthorized: false } },
        },
        jobs: {
          leaky: {
            type: 'command',
            env: { TOKEN: env('APP_SECRET') },
            command: 'echo "using $TOKEN"; echo "postgres://loader:$TOKEN@db/wh failed" >&2; echo "Authorization: Bearer $TOKEN"; exit 7',
            retry: { attempts: 2, delay: '10ms' },
            notify: ['hook', 'mail'],
          },
          chatty: { type: 'command', schedule: '* * * * * *', env: { T: env('APP_SECRET') }, command: 'echo "token=$T"', notify: ['hook'], notifyOn: ['success'] },
        },
      }`),
    )
    const outputs: string[] = []
    const run = async (args: string[]) => {
      const r = await box.run(args, { env })
      outputs.push(r.stdout, r.stderr)
      return r
    }
    expect((await run(['validate'])).code).toBe(0)
    expect((await run(['run', 'leaky', '--json', '--log-level', 'debug'])).code).toBe(3)
    await run(['run', 'leaky'])
    await run(['history', '--json'])
    await run(['history'])
    await run(['dlq', 'list', '--json'])
    await run(['dlq', 'show', '1', '--json'])
    await run(['list', '--json'])
    await run(['status', '--json'])

    serveProcess = spawn(process.execPath, [BIN, 'serve', '--log-level', 'debug'], {
      cwd: box.dir,
      env: { ...box.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let serveLog = ''
    serveProcess.stdout!.on('data', (c) => (serveLog += c))
    serveProcess.stderr!.on('data', (c) => (serveLog += c))
    await waitFor(() => serveLog.includes('HTTP on'), 20_000)
    await waitFor(() => hook.requests.some((r) => r.url.startsWith('/h') && r.body.includes('chatty')), 20_000)
    // Reads need the token (serve.token is set); lists carry no output, so each run's output route is read too.
    const read = async (p: string) =>
      (await fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).text()
    for (const p of ['/api/jobs', '/api/jobs/leaky/runs', '/api/jobs/chatty/runs', '/health', '/metrics'])
      outputs.push(await read(p))
    for (const job of ['leaky', 'chatty']) {
      const { runs } = JSON.parse(await read(`/api/jobs/${job}/runs`)) as { runs: Array<{ outputUrl: string }> }
      for (const r of runs.slice(0, 3)) outputs.push(await read(r.outputUrl))
    }
    await fetch(`http://127.0.0.1:${port}/api/jobs/leaky/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}` },
    })
    await waitFor(() => serveLog.includes('"job":"leaky"') && serveLog.includes('run failed'), 20_000)
    serveProcess.kill('SIGTERM')
    await new Promise((r) => serveProcess!.on('close', r))
    outputs.push(serveLog)

    // Every place a secret could have ended up.
    const state = path.join(box.dir, '.circadian')
    const files = readdirSync(state).map((f) => readFileSync(path.join(state, f)).toString('latin1'))
    const received = [
      ...hook.requests.map((r) => `${r.body}\n${JSON.stringify(r.headers)}`),
      ...smtp.messages.map((m) => m.raw),
    ]
    expect(hook.requests.length).toBeGreaterThan(0)
    expect(smtp.messages.length).toBeGreaterThan(0)
    for (const secret of [SECRET, HOOK_TOKEN, SMTP_PASSWORD, DB_PASSWORD, API_TOKEN]) {
      for (const [where, texts] of [
        ['state files', files],
        ['CLI and serve output', outputs],
        ['HTTP and SMTP messages', received],
      ] as const) {
        const hits = texts.filter((t) => t.includes(secret)).length
        expect(hits, `${secret} found in ${where}`).toBe(0)
      }
    }
    // And the redaction left visible markers where the secrets were.
    expect(outputs.join('\n')).toContain('[redacted]')
    expect(existsSync(path.join(state, 'state.db'))).toBe(true)
  })

  it('literal secrets count by where they sit: a serve.token written into the config is redacted too', async () => {
    const literal = 'literal-serve-token-4455667788'
    box.write(
      'circadian.config.ts',
      tsConfig(
        `{ serve: { token: '${literal}' }, jobs: { echo: { type: 'command', command: 'echo "token is ${literal}" >&2; exit 1' } } }`,
      ),
    )
    const r = await box.run(['run', 'echo', '--json'])
    const history = await box.run(['history', '--json'])
    for (const text of [r.stdout, r.stderr, history.stdout]) expect(text).not.toContain(literal)
    expect(r.stdout).toContain('[redacted]')
  })
})
