import http from 'node:http'
import type { ChildProcess } from 'node:child_process'
import { freePort, startServeHttp } from '../helpers/browser.js'
import { type Sandbox, sandbox, tsConfig } from '../helpers/cli.js'

export const TOKEN = 'security-token-0123456789abcdef'

export interface RunningServe {
  box: Sandbox
  port: number
  base: string
  child: ChildProcess
  output(): string
  stop(): void
}

/** A real `circadian serve` on 127.0.0.1 with `config(port)` as its config body (a defineConfig object literal). */
export async function startServe(
  config: (port: number) => string,
  env: Record<string, string> = {},
): Promise<RunningServe> {
  const box = sandbox()
  const port = await freePort()
  box.write('circadian.config.ts', tsConfig(config(port)))
  const started = await startServeHttp(box, { CIRCADIAN_TOKEN: TOKEN, ...env }, 30_000)
  return {
    box,
    port,
    base: `http://127.0.0.1:${port}`,
    child: started.child,
    output: started.output,
    stop() {
      if (started.child.exitCode === null) started.child.kill('SIGKILL')
      box.cleanup()
    },
  }
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  body: unknown
}

/** One request to serve; the answer's JSON parsed when it is JSON. */
export async function call(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, init)
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: res.status, headers: res.headers, text, body }
}

export const auth = { authorization: `Bearer ${TOKEN}` }

/** Runs of `job` as the API lists them (with the token). */
export async function runsOf(
  base: string,
  job: string,
): Promise<Array<{ id: string; status: string; trigger: string }>> {
  const answer = await call(base, `/api/jobs/${job}/runs?limit=100`, { headers: auth })
  if (answer.status !== 200) throw new Error(`listing runs of ${job}: ${answer.status} ${answer.text}`)
  return (answer.body as { runs: Array<{ id: string; status: string; trigger: string }> }).runs
}

/** A request with headers fetch will not send as given (Host): through node:http. */
export function rawCall(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    // `host: ''` sends no Host header at all.
    const { host, ...headers } = options.headers ?? {}
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: host ? { host, ...headers } : headers,
        setHost: host === undefined,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}
