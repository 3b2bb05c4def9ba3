import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface Captured {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

export interface HttpCapture {
  url: string
  requests: Captured[]
  /** What the next requests get: a status code, or 'hang' (never answer). */
  respondWith(mode: number | 'hang'): void
  close(): Promise<void>
}

/** A real HTTP server on 127.0.0.1 that records every request (webhooks, Slack posts). */
export async function startHttpCapture(): Promise<HttpCapture> {
  const requests: Captured[] = []
  let mode: number | 'hang' = 200
  const hanging: http.ServerResponse[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      if (mode === 'hang') hanging.push(res)
      else res.writeHead(mode, { 'content-type': 'text/plain' }).end(mode < 300 ? 'ok' : 'nope')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (m) => {
      mode = m
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}

export interface SmtpCapture {
  port: number
  messages: Array<{ from: string; to: string[]; raw: string; user?: string; password?: string }>
  close(): Promise<void>
}

/** A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps every message it receives. */
export async function startSmtpCapture(options: { auth?: boolean } = {}): Promise<SmtpCapture> {
  const messages: SmtpCapture['messages'] = []
  const server = new SMTPServer({
    authOptional: !options.auth,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username })
    },
    onData(stream, session, cb) {
      let raw = ''
      stream.on('data', (c) => (raw += c))
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
        })
        cb()
      })
    },
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.server.address() as AddressInfo
  return { port, messages, close: () => new Promise((r) => server.close(() => r())) }
}

/** Polls `get` (sync or async) until it returns something truthy. */
export async function waitFor<T>(
  get: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (v) return v
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}
